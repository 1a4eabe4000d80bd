package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.SetTarget;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * nft's set statements ({@code add}, {@code update}, {@code delete @set { key [timeout T] }}) translated to iptables'
 * SET target on the dynamic set's ipset-like model, alone or followed by the rule's verdict (both in one rule), look-ups
 * of such a set as {@code -m set}, and the forms refused.
 */
class NftSetStatementTranslatorTest {
    private static final NftSet KNOCKED = new NftSet("set", "knocked", 2, 0, List.of(), false, List.of(),
            Map.of("type", "ipv4_addr", "flags", "dynamic,timeout", "timeout", "1m"));
    private static final NftSet SEEN6 = new NftSet("set", "seen6", 3, 0, List.of(), false, List.of(),
            Map.of("type", "ipv6_addr", "flags", "dynamic"));
    private static final NftSet PAIRS = new NftSet("set", "pairs", 4, 0, List.of(), false, List.of(),
            Map.of("type", "ipv4_addr . inet_service", "flags", "dynamic"));
    private static final NftSet STATIC = new NftSet("set", "trusted", 5, 1, List.of(), false, List.of("10.0.0.1"),
            Map.of("type", "ipv4_addr"));
    private static final NftTable TABLE = new NftTable(NftFamily.INET, "pkp_ks", 1, List.of(
            new NftChain("input", 6, Optional.empty(), List.of(
                    new NftRule("tcp dport 7001 add @knocked { ip saddr timeout 5s }", 7, Optional.empty()),
                    new NftRule("ip6 saddr @seen6 accept", 8, Optional.empty()),
                    new NftRule("update @seen6 { ip6 saddr }", 9, Optional.empty()),
                    new NftRule("add @pairs { ip saddr . tcp dport }", 10, Optional.empty()))),
            new NftChain("knocked", 11, Optional.empty(), List.of())),
            List.of(KNOCKED, SEEN6, PAIRS, STATIC));
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 2, 7);

    private static List<String> v4(String text) {
        return PROBE.rules(text, IpFamily.V4);
    }

    @Test
    void addUpdateAndDeleteAreSetTargetsOnTheDynamicSet() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 7001 -j SET --add-set inet:pkp_ks:knocked src --timeout 5"),
                v4("tcp dport 7001 add @knocked { ip saddr timeout 5s }"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 7002 -j SET --add-set inet:pkp_ks:knocked src --exist"
                + " --timeout 5"), v4("tcp dport 7002 update @knocked { ip saddr timeout 5s }"));
        assertEquals(List.of("-A input -j SET --add-set inet:pkp_ks:knocked dst"), v4("add @knocked { ip daddr }"));
        assertEquals(List.of("-A input -j SET --add-set inet:pkp_ks:knocked src --exist --timeout 90"),
                v4("counter update @knocked { ip saddr timeout 1m30s }"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 7009 -j SET --del-set inet:pkp_ks:knocked src"),
                v4("tcp dport 7009 delete @knocked { ip saddr }"));
    }

    @Test
    void aKeyOfTheOtherFamilyNeverMatchesInAnInetTable() {
        assertEquals(List.of(), PROBE.rules("add @knocked { ip saddr }", IpFamily.V6));
        assertEquals(List.of("-A input -j SET --add-set inet:pkp_ks:seen6 src --exist"),
                PROBE.rules("update @seen6 { ip6 saddr }", IpFamily.V6));
        assertEquals(List.of(), v4("update @seen6 { ip6 saddr }"));
    }

    @Test
    void aSetRulesChangeIsMatchedAsASetAndAStaticOneStillExpanded() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 2222 -m set --match-set inet:pkp_ks:knocked src -j ACCEPT"),
                v4("tcp dport 2222 ip saddr @knocked counter packets 2 bytes 120 accept"));
        assertEquals(List.of("-A input -m set ! --match-set inet:pkp_ks:knocked dst -j DROP"),
                v4("ip daddr != @knocked drop"));
        assertEquals(List.of("-A input -s 10.0.0.1 -j ACCEPT"), v4("ip saddr @trusted accept"));
        assertEquals(List.of("-A input -m set --match-set inet:pkp_ks:seen6 src -j ACCEPT"),
                PROBE.rules("ip6 saddr @seen6 accept", IpFamily.V6));
    }

    @Test
    void theRefusedFormsSayWhy() {
        assertEquals("'update @knocked { ip saddr counter }' keeps a counter per element: not replayed",
                PROBE.refusal("update @knocked { ip saddr counter }"));
        assertTrue(PROBE.refusal("add @pairs { ip saddr . tcp dport }").startsWith(
                "the dynamic set @pairs has a concatenated key (ipv4_addr . inet_service): not replayed"));
        assertEquals("'add @knocked { tcp dport }': only the keys ip saddr, ip daddr, ip6 saddr and ip6 daddr are"
                + " replayed", PROBE.refusal("add @knocked { tcp dport }"));
        assertEquals("'add @knocked { ip6 saddr }': the key ip6 saddr is not of the set's type",
                PROBE.refusal("add @knocked { ip6 saddr }"));
        assertEquals("'add @knocked { ip saddr timeout 1500ms }': the timeout is not whole seconds, or is given to"
                + " delete", PROBE.refusal("add @knocked { ip saddr timeout 1500ms }"));
        assertEquals("the named set @nosuch is not in table inet pkp_ks",
                PROBE.refusal("add @nosuch { ip saddr }"));
        assertEquals("the dynamic set @knocked is looked up by 'tcp dport @knocked': only ip|ip6 saddr|daddr look-ups of"
                + " a set rules change are replayed", PROBE.refusal("tcp dport @knocked accept"));
    }

    @Test
    void aSetStatementFollowedByAVerdictIsOneRuleWithTheStatementThenTheVerdict() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 8080 -m conntrack --ctstate NEW -j SET --add-set"
                + " inet:pkp_ks:knocked src -j ACCEPT"), v4("tcp dport 8080 ct state new add @knocked { ip saddr } accept"));
        assertEquals(List.of("-A input -m set --match-set inet:pkp_ks:knocked src -j SET --add-set inet:pkp_ks:knocked src"
                + " --exist --timeout 30 -j DROP"), v4("ip saddr @knocked counter packets 2 bytes 120 update @knocked"
                + " { ip saddr timeout 30s } drop"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 9090 -j SET --del-set inet:pkp_ks:knocked src -j REJECT"
                + " --reject-with icmp-port-unreachable"), v4("tcp dport 9090 counter delete @knocked { ip saddr } reject"
                + " with icmp port-unreachable"));
        assertEquals(List.of("-A input -j SET --add-set inet:pkp_ks:knocked src -j knocked"),
                v4("add @knocked { ip saddr } jump knocked"));
        assertEquals(List.of("-A input -j SET --add-set inet:pkp_ks:knocked dst -g knocked"),
                v4("add @knocked { ip daddr } goto knocked"));
        assertEquals(List.of("-A input -j SET --del-set inet:pkp_ks:knocked src -j RETURN"),
                v4("delete @knocked { ip saddr } return"));
        assertEquals(List.of("-A input -d 10.0.0.1 -j SET --add-set inet:pkp_ks:knocked src -j DROP",
                "-A input -d 10.0.0.2 -j SET --add-set inet:pkp_ks:knocked src -j DROP"),
                v4("ip daddr { 10.0.0.1, 10.0.0.2 } add @knocked { ip saddr } drop"), "one rule per element, each with both");
        assertEquals("a set iptables cannot list in one rule needs a verdict (accept, drop, reject, return, goto) or a NAT"
                + " statement after it", PROBE.refusal("ip daddr { 10.0.0.1, 10.0.0.2 } add @knocked { ip saddr }"));
        assertEquals(List.of(), PROBE.rules("add @knocked { ip saddr } accept", IpFamily.V6));
    }

    @Test
    void theCombinedTargetKeepsBothAndEndsTheChainAsItsVerdictDoes() {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome("tcp dport 8080 add @knocked { ip saddr } accept", IpFamily.V4));
        StatementVerdict sv = assertInstanceOf(StatementVerdict.class, t.rules().get(0).target());
        SetTarget set = assertInstanceOf(SetTarget.class, sv.statement());
        assertEquals("inet:pkp_ks:knocked", set.addSet().orElseThrow().name());
        assertInstanceOf(Accept.class, sv.verdict());
        assertTrue(sv.terminating());
        assertInstanceOf(Accept.class, StatementVerdict.verdictOf(sv));
        StatementVerdict jump = assertInstanceOf(StatementVerdict.class, PROBE.outcome("add @knocked { ip saddr } jump"
                + " knocked", IpFamily.V4) instanceof NftRuleTranslator.Translated j ? j.rules().get(0).target() : null);
        assertFalse(jump.terminating(), "a jump comes back");
        StatementVerdict mark = assertInstanceOf(StatementVerdict.class, assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome("tcp dport 22 meta mark set 0x1 accept", IpFamily.V4)).rules().get(0).target());
        assertEquals("-j MARK --set-xmark 0x1/0xffffffff -j ACCEPT", mark.render());
        assertThrows(IllegalArgumentException.class, () -> new StatementVerdict(new Accept(), new Drop()));
        assertThrows(IllegalArgumentException.class, () -> new StatementVerdict(set, set));
    }

    @Test
    void theFormsStillRefusedBeforeAVerdictSayWhy() {
        assertTrue(PROBE.refusal("add @pairs { ip saddr . tcp dport } accept").startsWith(
                "the dynamic set @pairs has a concatenated key (ipv4_addr . inet_service): not replayed"));
        assertEquals("'update @knocked { ip saddr last }' keeps a last per element: not replayed",
                PROBE.refusal("update @knocked { ip saddr last } drop"));
        assertEquals("'add @knocked { ip saddr . tcp dport }' has a concatenated key: not replayed",
                PROBE.refusal("add @knocked { ip saddr . tcp dport } accept"));
        assertEquals("'add @knocked { ip daddr }' follows another statement or verdict: one statement per rule is"
                + " replayed", PROBE.refusal("add @knocked { ip saddr } add @knocked { ip daddr } accept"));
        assertEquals("'add @knocked { ip saddr }' follows another statement or verdict: one statement per rule is"
                + " replayed", PROBE.refusal("meta mark set 0x1 add @knocked { ip saddr } accept"));
        assertEquals("'accept' after notrack: only a set statement (add, update, delete @set), meta mark set or ct mark"
                + " set is replayed before a verdict", PROBE.refusal("notrack accept"));
        assertEquals("'drop' is not in the replayed subset", PROBE.refusal("add @knocked { ip saddr } accept drop"));
    }

    @Test
    void theDynamicSetIsAnEmptyHashIpWithTheSetsTimeout() {
        IpSet s = assertInstanceOf(NftSetStatement.Modelled.class, NftSetStatement.model(TABLE, KNOCKED, "nft.txt"))
                .set();
        assertEquals("inet:pkp_ks:knocked", s.name());
        assertEquals("hash:ip", s.type().name());
        assertEquals(IpFamily.V4, s.family());
        assertEquals(Map.of("timeout", "60"), s.options());
        assertTrue(s.entries().isEmpty());
        assertEquals(Map.of(), assertInstanceOf(NftSetStatement.Modelled.class,
                NftSetStatement.model(TABLE, SEEN6, "nft.txt")).set().options());
        assertEquals(java.util.Set.of("knocked", "seen6", "pairs"), TABLE.updatedSets());
        assertEquals(Optional.of(5400L), NftSetStatement.seconds("1h30m"));
        assertEquals(Optional.of(2L), NftSetStatement.seconds("2000ms"));
        assertEquals(Optional.empty(), NftSetStatement.seconds("5x"));
    }

    @Test
    void aTimeoutBeyondALongIsNotReplayedInsteadOfThrowing() {
        // found by CorruptedBundleTest's sweep (nft-set-verdict/nft-ruleset.txt, EXTREME_NUMBER): a timeout of
        // 9223372036854775808s threw NumberFormatException out of the analysis
        assertEquals(Optional.empty(), NftSetStatement.seconds("9223372036854775808s"));
        assertEquals(Optional.empty(), NftSetStatement.seconds("106751991167301d"));
        assertEquals(Optional.empty(), NftSetStatement.seconds("9223372036854775807s9223372036854775807000ms"));
        assertEquals(Optional.of(Long.MAX_VALUE), NftSetStatement.seconds("9223372036854775807s"));
        NftSet huge = new NftSet("set", "knocked", 2, 0, List.of(), false, List.of(),
                Map.of("type", "ipv4_addr", "flags", "dynamic,timeout", "timeout", "9223372036854775808s"));
        assertEquals("the dynamic set @knocked has timeout '9223372036854775808s': only whole seconds are replayed",
                assertInstanceOf(NftSetStatement.Unmodelled.class, NftSetStatement.model(TABLE, huge, "nft.txt"))
                        .reason());
        assertEquals("'add @knocked { ip saddr timeout 9223372036854775808s }': the timeout is not whole seconds, or is"
                + " given to delete", PROBE.refusal("add @knocked { ip saddr timeout 9223372036854775808s } accept"));
    }

    @Test
    void theListingKeepsTheSetsDeclarations() {
        String text = """
                table inet pkp_ks {
                	set knocked {
                		type ipv4_addr
                		size 65535
                		flags dynamic,timeout
                		timeout 1m
                		elements = { 172.18.0.1 timeout 5s expires 1s476ms }
                	}
                }
                """;
        NftSet set = NftRulesetParser.parse("nft.txt", text).value().tables().get(0).sets().get(0);
        assertEquals(Map.of("type", "ipv4_addr", "size", "65535", "flags", "dynamic,timeout", "timeout", "1m"),
                set.declarations());
        assertEquals(List.of("172.18.0.1 timeout 5s expires 1s476ms"), set.values());
    }
}
