package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ip -j rule} against {@code ip rule} of the same namespace (iproute2 6.1.0, kernel 6.18; see README.md beside
 * the fixtures): both forms give the same rules, and bad JSON gives diagnostics with positions.
 */
class IpRuleJsonParserTest {
    private static List<PolicyRule> text(String name) {
        Parsed<List<PolicyRule>> p = IpRuleParser.parse(name, Fixtures.read(name));
        assertEquals(List.of(), p.diagnostics(), name);
        return p.value();
    }

    private static List<PolicyRule> json(String name) {
        Parsed<List<PolicyRule>> p = IpRuleJsonParser.parse(name, Fixtures.read(name));
        assertEquals(List.of(), p.diagnostics(), name);
        return p.value();
    }

    private static List<PolicyRule> withoutSpan(List<PolicyRule> rules) {
        return rules.stream().map(PolicyRule::withoutSpan).toList();
    }

    private static Map<Integer, PolicyRule> byPriority(List<PolicyRule> rules) {
        return rules.stream().collect(Collectors.toMap(PolicyRule::priority, Function.identity()));
    }

    @Test
    void textAndJsonOfTheSameRulesGiveEqualModelsAndTheSameLines() {
        Map<String, String> pairs = Map.of("ip-rule.txt", "ip-j-rule.json", "ip-6-rule.txt", "ip-j-6-rule.json",
                "ip-d-rule.txt", "ip-j-d-rule.json", "ip-N-rule.txt", "ip-j-N-rule.json",
                "ip-N-6-rule.txt", "ip-j-N-6-rule.json");
        for (Map.Entry<String, String> p : pairs.entrySet()) {
            List<PolicyRule> text = text(p.getKey());
            List<PolicyRule> json = json(p.getValue());
            assertEquals(withoutSpan(text), withoutSpan(json), p.getValue());
        }
        assertEquals(35, text("ip-rule.txt").size());
        assertEquals(14, text("ip-6-rule.txt").size());
        assertEquals(withoutSpan(text("ip-rule.txt")), withoutSpan(json("ip-j-p-rule.json")), "pretty-printed (-p)");
    }

    @Test
    void everySelectorAndActionOfTheCapturedRules() throws Exception {
        Map<Integer, PolicyRule> v4 = byPriority(json("ip-j-rule.json"));
        assertEquals(Optional.of(new PolicyRule.Fwmark(0x4000, 0xff00)), v4.get(104).fwmark());
        assertEquals(Optional.of(new PolicyRule.Fwmark(0x1, 0xffffffffL)), v4.get(103).fwmark());
        assertEquals(Optional.of(new PolicyRule.Fwmark(0, 0xffffffffL)), v4.get(130).fwmark(), "fwmark 0/0xffffffff");
        assertEquals(Optional.of("vpn"), v4.get(103).table());
        assertEquals(Optional.of("300"), v4.get(118).table());
        assertEquals(Optional.of(Cidr.parse("10.8.0.1/32")), v4.get(118).from(), "a host has no srclen");
        assertEquals(Optional.of(Cidr.parse("10.8.1.0/24")), v4.get(118).to());
        assertEquals(Optional.of("lo"), v4.get(118).iif());
        assertTrue(v4.get(102).not() && v4.get(122).not());
        assertEquals(Optional.of(Cidr.parse("172.16.0.0/12")), v4.get(122).to());
        assertEquals(Optional.of(0x10), v4.get(107).tos());
        assertEquals(Optional.of(0x08), v4.get(108).tos(), "dsfield is printed as tos");
        assertEquals(Optional.of(PortRange.single(80)), v4.get(109).dport());
        assertEquals(Optional.of(new PortRange(1000, 2000)), v4.get(110).sport());
        assertEquals(Optional.of(new PortRange(8000, 9000)), v4.get(129).dport());
        assertEquals(Optional.of("gre"), v4.get(111).ipproto());
        assertEquals(Optional.of(new PolicyRule.UidRange(1000, 2000)), v4.get(112).uidrange());
        assertEquals(RuleAction.GOTO, v4.get(113).action());
        assertEquals(Optional.of(120), v4.get(113).gotoPriority());
        assertEquals(Optional.of(0), v4.get(114).suppressPrefixLength());
        assertEquals(Optional.of(5), v4.get(123).suppressIfgroup());
        assertEquals(List.of(RuleAction.UNREACHABLE, RuleAction.PROHIBIT, RuleAction.BLACKHOLE, RuleAction.NOP),
                List.of(v4.get(115).action(), v4.get(116).action(), v4.get(117).action(), v4.get(120).action()));
        assertTrue(v4.get(119).detached() && v4.get(128).detached());
        assertEquals(Optional.of("nosuch1"), v4.get(128).oif());
        assertEquals(Optional.of("static"), v4.get(124).protocol());
        assertEquals("126:\tfrom all lookup [l3mdev-table]", v4.get(126).text());
        assertEquals(RuleAction.LOOKUP, v4.get(126).action());
        assertEquals("125:\tfrom all lookup custom realms 5", v4.get(125).text());
        assertEquals(IpFamily.V4, v4.get(0).family());

        Map<Integer, PolicyRule> v6 = byPriority(json("ip-j-6-rule.json"));
        assertEquals(IpFamily.V6, v6.get(0).family(), "the family comes from the first address");
        assertEquals(Optional.of(0x20), v6.get(110).tos(), "tos CS1 (rt_dsfield name)");
        assertEquals("109:\tfrom all goto 200 [unresolved]", v6.get(109).text());
        assertEquals(Optional.of(200), v6.get(109).gotoPriority());
        assertEquals(Optional.of("ipv6-icmp"), v6.get(103).ipproto());
        assertEquals(Optional.of(new PolicyRule.Fwmark(0x3, 0xf)), v6.get(102).fwmark());
        assertEquals(Optional.of(64), v6.get(105).suppressPrefixLength());
        assertEquals(Optional.of("ipproto-58"), byPriority(json("ip-j-N-6-rule.json")).get(103).ipproto(), "-N");
        Map<Integer, PolicyRule> numeric = byPriority(json("ip-j-N-6-rule.json"));
        assertEquals(Optional.of("main"), numeric.get(32766).table(), "-N prints 254");
        assertEquals(List.of(RuleAction.UNREACHABLE, RuleAction.PROHIBIT, RuleAction.BLACKHOLE), List.of(
                numeric.get(106).action(), numeric.get(107).action(), numeric.get(108).action()), "-N prints 7, 8, 6");
    }

    @Test
    void givenFamilyWinsAndDefaultRulesAloneAreIpv4() {
        String defaults = "[{\"priority\":0,\"src\":\"all\",\"table\":\"local\"},{\"priority\":32766,\"src\":\"all\","
                + "\"table\":\"main\"}]";
        assertEquals(IpFamily.V4, IpRuleJsonParser.parse("r.json", defaults).value().get(0).family());
        assertEquals(IpFamily.V6, IpRuleJsonParser.parse("r.json", defaults, IpFamily.V6).value().get(1).family());
    }

    @Test
    void brokenJsonIsOneDiagnosticNamingFilePositionAndExpectation() {
        Parsed<List<PolicyRule>> p = IpRuleJsonParser.parse("r.json", "[{\"priority\":0,\n \"src\" \"all\"}]");
        assertEquals(List.of(), p.value());
        assertEquals(List.of("r.json:2:8: error[bad-json]: expected ':' (expected: ':')"), headlines(p));

        Parsed<List<PolicyRule>> object = IpRuleJsonParser.parse("r.json", "{\"priority\":0}");
        assertEquals(List.of("r.json:1:1: error[bad-json]: top-level JSON value is not an array (expected: the [ ... ]"
                + " that ip -j prints)"), headlines(object));
    }

    @Test
    void eachBadRuleIsReportedAtItsValueAndTheOthersKept() {
        String text = """
                [{"priority":0,"src":"all","table":"local"},
                 {"priority":100,"src":"all","fwmark":"0xzz","table":"100"},
                 {"priority":101,"src":"10.0.0.300","srclen":8,"table":"100"},
                 {"priority":102,"src":"all","dscp":"CS1","table":"100"},
                 {"src":"all","table":"100"},
                 {"priority":103,"src":"all"},
                 {"priority":104,"src":"all","sport_start":2000,"sport_end":1000,"table":"100"},
                 {"priority":105,"src":"all","uid_start":[1],"table":"100"},
                 "not a rule",
                 {"priority":32766,"src":"all","table":"main"}]
                """;
        Parsed<List<PolicyRule>> p = IpRuleJsonParser.parse("bad.json", text);
        assertEquals(List.of(0, 32766), p.value().stream().map(PolicyRule::priority).toList());
        assertEquals(List.of(
                "bad.json:9:2: error[bad-json]: array item is not an object (expected: { ... })",
                "bad.json:2:39: error[bad-number]: '0xzz' is not a number for fwmark (expected: a decimal or 0x hex number)",
                "bad.json:3:24: error[bad-prefix]: '10.0.0.300' is not an IPv4 address (expected: four dotted decimal"
                        + " octets 0-255, such as 10.0.0.1)",
                "bad.json:4:37: error[unknown-keyword]: unknown ip -j rule member 'dscp' (expected: members such as"
                        + " priority, src, dst, fwmark, iif, oif, ipproto, dport, table, goto, action)",
                "bad.json:5:2: error[bad-priority]: rule without a numeric 'priority' (expected: \"priority\": N)",
                "bad.json:6:2: error[missing-action]: rule has no action member (expected: \"table\", \"goto\", \"nop\","
                        + " \"l3mdev\" or \"action\")",
                "bad.json:7:44: error[bad-port]: port range '2000-1000' runs backwards (2000 > 1000) (expected: a port or"
                        + " range low-high with low <= high, each 0-65535)",
                "bad.json:8:42: error[bad-number]: uidrange '<array>' has no '-' (expected: a uid range such as 1000-2000)"),
                headlines(p));
        assertEquals(" {\"priority\":100,\"src\":\"all\",\"fwmark\":\"0xzz\",\"table\":\"100\"},",
                p.diagnostics().get(1).lineText());
    }

    private static List<String> headlines(Parsed<?> p) {
        return p.diagnostics().stream().map(Diagnostic::headline).toList();
    }
}
