package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpRuleParserTest {
    @Test
    void peerAwsRulesParseWithNotAndPerEniTable() throws Exception {
        String file = "aws-vpc-cni-host.ip-rule";
        Parsed<List<PolicyRule>> p = IpRuleParser.parse(file, PeerFiles.readStripped(file));
        assertEquals(List.of(), p.diagnostics());
        List<PolicyRule> rules = p.value();
        assertEquals(4, rules.size());
        assertEquals(List.of(0, 512, 1025, 1536), rules.stream().map(PolicyRule::priority).toList());
        assertEquals(List.of("local", "main", "main", "eni-1"),
                rules.stream().map(r -> r.table().orElseThrow()).toList());
        PolicyRule not = rules.get(2);
        assertTrue(not.not());
        assertEquals(Optional.empty(), not.from());
        assertEquals(Optional.of(Cidr.parse("10.0.0.0/16")), not.to());
        assertEquals(Optional.of(Cidr.parse("10.0.97.30/32")), rules.get(3).from());
        assertFalse(rules.get(3).not());
        assertEquals(IpFamily.V4, rules.get(0).family());
    }

    @Test
    void selectorsAndActionsOfModernRules() throws Exception {
        String text = """
                0:	from all lookup local
                90:	from all fwmark 0x4000/0x4000 iif eth0 lookup 100 proto static
                95:	from all oif vrf0 [detached] lookup 10
                100:	from all ipproto tcp sport 1000-2000 dport 443 uidrange 1000-1999 goto 200
                150:	from all tos 0x10 blackhole
                160:	not from 10.1.0.0/16 unreachable
                170:	from all prohibit
                200:	from all lookup main suppress_prefixlength 0
                32766:	from all lookup main
                32767:	from all lookup default
                """;
        Parsed<List<PolicyRule>> p = IpRuleParser.parse("ip-rule.txt", text);
        assertEquals(List.of(), p.diagnostics());
        List<PolicyRule> r = p.value();
        assertEquals(10, r.size());
        assertEquals(Optional.of(new PolicyRule.Fwmark(0x4000, 0x4000)), r.get(1).fwmark());
        assertEquals(Optional.of("eth0"), r.get(1).iif());
        assertEquals(Optional.of("static"), r.get(1).protocol());
        assertTrue(r.get(2).detached());
        assertEquals(Optional.of("vrf0"), r.get(2).oif());
        assertEquals(RuleAction.GOTO, r.get(3).action());
        assertEquals(Optional.of(200), r.get(3).gotoPriority());
        assertEquals(Optional.of(new PortRange(1000, 2000)), r.get(3).sport());
        assertEquals(Optional.of(PortRange.single(443)), r.get(3).dport());
        assertEquals(Optional.of(new PolicyRule.UidRange(1000, 1999)), r.get(3).uidrange());
        assertEquals(Optional.of(0x10), r.get(4).tos());
        assertEquals(List.of(RuleAction.LOOKUP, RuleAction.LOOKUP, RuleAction.LOOKUP, RuleAction.GOTO,
                RuleAction.BLACKHOLE, RuleAction.UNREACHABLE, RuleAction.PROHIBIT, RuleAction.LOOKUP, RuleAction.LOOKUP,
                RuleAction.LOOKUP), r.stream().map(PolicyRule::action).toList());
        assertEquals(Optional.of(0), r.get(7).suppressPrefixLength());
        assertTrue(r.get(1).fwmark().orElseThrow().matches(0x4001));
    }

    @Test
    void ipv6RulesTakeTheFamilyFromTheCaller() {
        Parsed<List<PolicyRule>> p = IpRuleParser.parse("ip-6-rule.txt", "0:\tfrom all lookup local\n", IpFamily.V6);
        assertEquals(IpFamily.V6, p.value().get(0).family());
    }

    @Test
    void unknownKeywordAndTruncatedRuleAreDiagnosed() {
        Parsed<List<PolicyRule>> p = IpRuleParser.parse("r.txt", "10:\tfrom all frobnicate 3 lookup main\n20:\tfrom all\n");
        assertEquals(0, p.value().size());
        assertEquals(List.of("r.txt:1:14: error[unknown-keyword]: unknown rule keyword 'frobnicate' (expected: a "
                        + "selector (from, to, fwmark, iif, oif, tos, ipproto, sport, dport, uidrange) or an action "
                        + "(lookup, goto, nop, blackhole, unreachable, prohibit))",
                "r.txt:2:13: error[missing-action]: rule has no action (line truncated?) (expected: lookup TABLE, goto "
                        + "PRIO, nop, blackhole, unreachable or prohibit)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }
}
