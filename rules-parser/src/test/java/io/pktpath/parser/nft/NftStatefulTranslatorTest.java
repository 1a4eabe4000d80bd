package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * nft's {@code limit}, {@code quota} and {@code ct count} translated as the kernel's nft_limit, nft_quota and
 * nft_connlimit hold them, from {@code nft list ruleset} and from {@code nft -j list ruleset} of the same table
 * (json/stateful.txt and json/stateful.json, listed by nft 1.0.6 on 6.18), and the forms refused.
 */
class NftStatefulTranslatorTest {
    private static final NftTable TABLE = new NftTable(NftFamily.INET, "pkp_st", 1, List.of(
            new NftChain("input", 2, Optional.empty(), List.of())), List.of());
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 3, 4);

    private static String read(String name) {
        try (InputStream in = NftStatefulTranslatorTest.class.getResourceAsStream("json/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NftTable listed(Parsed<NftRuleset> p) {
        assertEquals(List.of(), p.diagnostics());
        return p.value().tables().get(0);
    }

    /** The one rule {@code text} becomes for {@code family}, and its last match. */
    private static Match last(String text, IpFamily family) {
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome(text, family));
        assertEquals(1, t.rules().size(), t.toString());
        List<Match> m = t.rules().get(0).matches();
        return m.get(m.size() - 1);
    }

    private static Match last(String text) {
        return last(text, IpFamily.V4);
    }

    @Test
    void theTextAndJsonListingsGiveTheSameRulesAndTranslations() {
        NftTable text = listed(NftRulesetParser.parse("stateful.txt", read("stateful.txt")));
        NftTable json = listed(NftJsonRulesetParser.parse("stateful.json", read("stateful.json")));
        List<NftRule> fromText = text.chain("input").orElseThrow().rules();
        List<NftRule> fromJson = json.chain("input").orElseThrow().rules();
        assertEquals(fromText.stream().map(NftRule::text).toList(), fromJson.stream().map(NftRule::text).toList());
        assertEquals(15, fromText.size());
        for (IpFamily f : List.of(IpFamily.V4, IpFamily.V6)) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            for (int i = 0; i < fromText.size(); i++) {
                a.addAll(rendered(text, i, fromText.get(i), f));
                b.addAll(rendered(json, i, fromJson.get(i), f));
            }
            assertEquals(a, b, f.toString());
            assertEquals(f == IpFamily.V4 ? 15 : 13, a.size(), "echo requests are IPv4 only: " + a);
        }
    }

    private static List<String> rendered(NftTable table, int i, NftRule rule, IpFamily family) {
        NftRuleTranslator.Outcome o = NftRuleTranslator.translate(table, "input", i + 1, rule, "f", family);
        NftRuleTranslator.Translated t = assertInstanceOf(NftRuleTranslator.Translated.class, o, rule.text() + ": " + o);
        List<String> out = new ArrayList<>();
        for (Rule r : t.rules()) {
            out.add(RuleRenderer.render(r) + " " + r.matches().get(r.matches().size() - 1));
        }
        return out;
    }

    @Test
    void aPacketLimitIsRateUnitAndBurstWithTheKernelsDefaultOf5() {
        assertEquals(new NftLimitMatch(2, 1, 3, false, false, "limit rate 2/second burst 3 packets"),
                last("icmp type echo-request limit rate 2/second burst 3 packets accept"));
        assertEquals(new NftLimitMatch(2, 1, 5, false, false, "limit rate 2/second"),
                last("icmp type echo-request limit rate 2/second accept"), "nft prints no burst of 5 (nor of 0)");
        assertEquals(new NftLimitMatch(10, 60, 5, false, true, "limit rate over 10/minute"),
                last("limit rate over 10/minute drop"));
        assertEquals(new NftLimitMatch(100, 3600, 5, false, false, "limit rate 100/hour"), last("limit rate 100/hour"));
        assertEquals(new NftLimitMatch(1, 86_400, 5, false, false, "limit rate 1/day"), last("limit rate 1/day"));
        assertEquals(new NftLimitMatch(4, 604_800, 1, false, false, "limit rate 4/week burst 1 packets"),
                last("limit rate 4/week burst 1 packets accept"));
    }

    @Test
    void aByteLimitCountsIn1024sAndHasNoBurstUnlessGiven() {
        assertEquals(new NftLimitMatch(1024, 1, 0, true, false, "limit rate 1 kbytes/second"),
                last("limit rate 1 kbytes/second accept"));
        assertEquals(new NftLimitMatch(10_240, 1, 2_048, true, false, "limit rate 10 kbytes/second burst 2 kbytes"),
                last("limit rate 10 kbytes/second burst 2 kbytes accept"));
        assertEquals(new NftLimitMatch(1_048_576, 1, 1_500, true, true,
                "limit rate over 1 mbytes/second burst 1500 bytes"),
                last("limit rate over 1 mbytes/second burst 1500 bytes drop"));
        assertEquals(new NftLimitMatch(512, 60, 0, true, false, "limit rate 512 bytes/minute"),
                last("limit rate 512 bytes/minute accept"));
    }

    @Test
    void aQuotaKeepsItsBytesAndWhatTheListingSaysWasUsed() {
        assertEquals(new NftQuotaMatch(1000, 0, false, "quota 1000 bytes"), last("quota 1000 bytes accept"));
        assertEquals(new NftQuotaMatch(26_214_400, 0, true, "quota over 25 mbytes"), last("quota over 25 mbytes drop"));
        assertEquals(new NftQuotaMatch(1000, 300, false, "quota 1000 bytes used 300 bytes"),
                last("quota 1000 bytes used 300 bytes accept"));
        assertEquals(new NftQuotaMatch(2048, 0, false, "quota until 2 kbytes"), last("quota until 2 kbytes accept"));
    }

    @Test
    void ctCountIsOneCountOfTheRule() {
        assertEquals(new NftCountMatch(3, false, "ct count 3"), last("ct count 3 accept"));
        assertEquals(new NftCountMatch(3, false, "ct count 3"), last("ct count 3 accept", IpFamily.V6));
        assertEquals(new NftCountMatch(20, true, "ct count over 20"), last("tcp dport 22 ct count over 20 reject"));
    }

    @Test
    void theExpressionIsTheRulesLastMatchAfterItsConditions() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m nft \"limit rate 3/minute"
                + " burst 2 packets\" -j ACCEPT"), PROBE.rules("tcp dport 22 ct state new limit rate 3/minute burst 2"
                + " packets counter packets 0 bytes 0 accept", IpFamily.V4));
        assertEquals(List.of("-A input -p tcp -m nft \"limit rate 1/second\" -j ACCEPT",
                        "-A input -p udp -m nft \"limit rate 1/second\" -j ACCEPT"),
                PROBE.rules("meta l4proto { tcp, udp } limit rate 1/second accept", IpFamily.V4),
                "one rule per element, each with the rule's one limit (the elements never overlap)");
        assertEquals(List.of(), PROBE.rules("icmp type echo-request limit rate 1/second accept", IpFamily.V6));
    }

    @Test
    void aConditionAfterAnExpressionIsTestedAfterItAsTheKernelReadsTheRule() {
        // nft evaluates a rule's expressions in order: the limit spends its tokens on every packet reaching it, also on
        // one the port test after it then turns away
        assertEquals(List.of("-A input -p tcp -m nft \"limit rate 2/second\" -m tcp --dport 22 -j ACCEPT"),
                PROBE.rules("meta l4proto tcp limit rate 2/second tcp dport 22 accept", IpFamily.V4));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -m nft \"limit rate 2/second\" -m conntrack --ctstate"
                + " NEW -m nft \"quota 100 bytes\" -m mark --mark 0x1 -j DROP"), PROBE.rules("tcp dport 22 limit rate"
                + " 2/second ct state new quota 100 bytes meta mark 0x1 drop", IpFamily.V4));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -m nft \"ct count over 2\" -m conntrack --ctstate NEW"
                + " -j REJECT --reject-with icmp-port-unreachable"), PROBE.rules("tcp dport 22 ct count over 2 ct state"
                + " new reject with icmp port-unreachable", IpFamily.V4));
        assertEquals(List.of("-A input -p udp -m nft \"limit rate 1/second\" -m multiport --dports 53,5353 -j ACCEPT"),
                PROBE.rules("meta l4proto udp limit rate 1/second udp dport { 53, 5353 } accept", IpFamily.V4),
                "a set of ports is one multiport match, after the limit");
        assertEquals(List.of("-A input -s 10.0.0.0/8 -m nft \"limit rate 1/second\" -d 10.0.0.9 -j ACCEPT"),
                PROBE.rules("ip saddr 10.0.0.0/8 limit rate 1/second ip daddr 10.0.0.9 accept", IpFamily.V4),
                "the family named before the limit: an address test after it is placed after it");
    }

    @Test
    void theFormsOutsideTheSubsetAreRefusedWithTheReason() {
        assertEquals("'tcp dport 22' after limit, quota or ct count is not replayed: a protocol test there would be"
                + " tested before the expression, which the kernel evaluates first, also for packets the condition turns"
                + " away", PROBE.refusal("limit rate 1/second tcp dport 22 accept"));
        assertEquals("'ip daddr { 10.0.0.1, 10.0.0.2 }' after limit, quota or ct count is not replayed: a set of values"
                + " there would be tested before the expression, which the kernel evaluates first, also for packets the"
                + " condition turns away", PROBE.refusal("ip saddr 10.0.0.0/8 limit rate 1/second ip daddr { 10.0.0.1,"
                + " 10.0.0.2 } accept"));
        assertTrue(PROBE.refusal("quota 100 bytes ip saddr 10.0.0.1 drop").startsWith("'ip saddr 10.0.0.1' after"));
        assertEquals("a named limit object (limit name ...) is not replayed", PROBE.refusal("limit name \"lim\" accept"));
        assertEquals("a named quota object (quota name ...) is not replayed", PROBE.refusal("quota name \"q\" drop"));
        assertEquals("'limit' after a statement or a verdict is not replayed (nft runs the statement first)",
                PROBE.refusal("meta mark set 0x1 limit rate 1/second"));
        assertEquals("limit, quota or ct count in a rule with a verdict map is not replayed (the replay writes one rule"
                + " per element, the kernel evaluates the expression once)",
                PROBE.refusal("limit rate 1/second tcp dport vmap { 22 : accept, 23 : drop }"));
        assertEquals("'limit rate 2/fortnight' is not in the replayed subset", PROBE.refusal("limit rate 2/fortnight"));
        assertEquals("'quota 10 furlongs' is not in the replayed subset", PROBE.refusal("quota 10 furlongs accept"));
        assertEquals("'limit' lacks its value", PROBE.refusal("limit rate"));
    }
}
