package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * nft's set statements ({@code add}, {@code update}, {@code delete @set { key [timeout T] }}) translated to iptables'
 * SET target on the dynamic set's ipset-like model, look-ups of such a set as {@code -m set}, and the forms refused.
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
                    new NftRule("add @pairs { ip saddr . tcp dport }", 10, Optional.empty())))),
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
        assertEquals("'add @knocked { ip saddr limit rate 10/second }' keeps a limit per element (a meter): not replayed",
                PROBE.refusal("add @knocked { ip saddr limit rate 10/second }"));
        assertEquals("'update @knocked { ip saddr counter }' keeps a counter per element (a meter): not replayed",
                PROBE.refusal("update @knocked { ip saddr counter }"));
        assertTrue(PROBE.refusal("add @pairs { ip saddr . tcp dport }").startsWith(
                "the dynamic set @pairs has a concatenated key (ipv4_addr . inet_service): not replayed"));
        assertEquals("'add @knocked { tcp dport }': only the keys ip saddr, ip daddr, ip6 saddr and ip6 daddr are"
                + " replayed", PROBE.refusal("add @knocked { tcp dport }"));
        assertEquals("'drop' after a set statement (add, update, delete @set): a statement followed by a verdict is"
                + " not replayed", PROBE.refusal("tcp dport 7001 add @knocked { ip saddr } drop"));
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
        assertEquals(Map.of("type", "ipv4_addr", "flags", "dynamic,timeout", "timeout", "1m"), set.declarations());
        assertEquals(List.of("172.18.0.1 timeout 5s expires 1s476ms"), set.values());
    }
}
