package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Bad input: each case checks the exact diagnostic text (headline, offending line, caret) and what is still built. */
class BadInputTest {
    private static final String FILTER = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";

    private static Parsed<Ruleset> parse(String text) {
        return IptablesSaveParser.parse("t.rules", text);
    }

    private static List<String> formatted(String text) {
        return parse(text).diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test
    void truncatedFile() {
        Parsed<Ruleset> p = parse("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -p tcp --dport");
        assertEquals(List.of(
                "t.rules:4:17: error[IPT015]: option --dport needs 1 value (expected: a value after --dport)\n"
                        + "    -A INPUT -p tcp --dport\n"
                        + "                    ^",
                "t.rules:4:24: error[IPT004]: input ends inside table 'filter' (opened on line 1) without COMMIT; the file"
                        + " looks truncated (expected: COMMIT)\n"
                        + "    -A INPUT -p tcp --dport\n"
                        + "                           ^"), p.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(1, p.value().table("filter").orElseThrow().chain("INPUT").orElseThrow().rules().size(),
                "the complete rule before the truncation is kept");
    }

    @Test
    void ruleBeforeAnyTableHeader() {
        assertEquals(List.of("t.rules:1:1: error[IPT002]: this line is outside a table (expected: a *table header (such as"
                + " *filter) first)\n    -A INPUT -j ACCEPT\n    ^"), formatted("-A INPUT -j ACCEPT\n" + FILTER + "COMMIT\n"));
    }

    @Test
    void unknownTable() {
        Parsed<Ruleset> p = parse("*filtr\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n" + FILTER + "COMMIT\n");
        assertEquals(List.of("t.rules:1:2: error[IPT003]: unknown table 'filtr'; its lines are skipped up to COMMIT"
                + " (expected: one of raw, mangle, nat, filter, security)\n    *filtr\n     ^"),
                p.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(List.of("filter"), p.value().tables().stream().map(t -> t.name()).toList());
    }

    @Test
    void missingCommitBeforeNextTable() {
        Parsed<Ruleset> p = parse(FILTER + "-A INPUT -j DROP\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n");
        assertEquals(List.of("t.rules:6:1: error[IPT004]: table 'filter' (opened on line 1) is not closed by COMMIT before"
                + " this header (expected: COMMIT)\n    *nat\n    ^"), p.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(List.of("filter", "nat"), p.value().tables().stream().map(t -> t.name()).toList());
        assertEquals(1, p.value().table("filter").orElseThrow().rules().size());
    }

    @Test
    void unbalancedQuoteSkipsOnlyThatLine() {
        Parsed<Ruleset> p = parse(FILTER + "-A INPUT -m comment --comment \"oops -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n");
        assertEquals(List.of("t.rules:5:31: error[IPT005]: unbalanced double quote (expected: a closing \" for the quote"
                + " here)\n    -A INPUT -m comment --comment \"oops -j ACCEPT\n                                  ^"),
                p.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(List.of("-A INPUT -j DROP"), p.value().table("filter").orElseThrow().rules().stream().map(r -> r.text()).toList());
        assertEquals(1, p.value().table("filter").orElseThrow().rules().get(0).position());
    }

    @Test
    void badCidr() {
        assertEquals(List.of("t.rules:5:13: error[IPT006]: '10.0.0.300' is not an IPv4 address (expected: four dotted"
                + " decimal octets 0-255, such as 10.0.0.1)\n    -A INPUT -s 10.0.0.300/24 -j DROP\n                ^"),
                formatted(FILTER + "-A INPUT -s 10.0.0.300/24 -j DROP\nCOMMIT\n"));
        assertEquals(List.of("t.rules:5:13: error[IPT006]: prefix length 33 is longer than 32 in '10.0.0.0/33' (expected: a"
                + " prefix length 0-32)\n    -A INPUT -d 10.0.0.0/33 -j DROP\n                ^"),
                formatted(FILTER + "-A INPUT -d 10.0.0.0/33 -j DROP\nCOMMIT\n"));
    }

    @Test
    void addressOfTheWrongFamily() {
        assertEquals(List.of("t.rules:3:25: error[IPT006]: 'fd00::1' is an IPv6 address (expected: an IPv4 address such as"
                + " 10.0.0.1)\n    -A INPUT -s 10.0.0.1 -d fd00::1 -j DROP\n                            ^"),
                formatted("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1 -d fd00::1 -j DROP\nCOMMIT\n"));
    }

    @Test
    void badPortRange() {
        assertEquals(List.of("t.rules:5:32: error[IPT007]: port range '90:80' runs backwards (90 > 80) (expected: a port or"
                + " range low:high with low <= high, each 0-65535)\n    -A INPUT -p tcp -m tcp --dport 90:80 -j DROP\n"
                + "                                   ^"), formatted(FILTER + "-A INPUT -p tcp -m tcp --dport 90:80 -j DROP\nCOMMIT\n"));
        assertEquals(List.of("t.rules:5:39: error[IPT007]: port 70000 in '70000' is above 65535 (expected: a port 0-65535)\n"
                + "    -A INPUT -p tcp -m multiport --dports 80,70000 -j DROP\n                                          ^"),
                formatted(FILTER + "-A INPUT -p tcp -m multiport --dports 80,70000 -j DROP\nCOMMIT\n"));
    }

    @Test
    void badProbability() {
        assertEquals(List.of("t.rules:5:51: error[IPT008]: '1.5' is not a probability (expected: a decimal number from 0 to 1,"
                + " such as 0.25)\n    -A INPUT -m statistic --mode random --probability 1.5 -j DROP\n"
                + "                                                      ^"),
                formatted(FILTER + "-A INPUT -m statistic --mode random --probability 1.5 -j DROP\nCOMMIT\n"));
    }

    @Test
    void unknownTarget() {
        assertEquals(List.of("t.rules:5:13: error[IPT009]: 'NOSUCH' is neither a chain of table 'filter' nor a known target"
                + " (expected: a built-in target (ACCEPT, DROP, REJECT, ...) or a chain declared with :NOSUCH)\n"
                + "    -A INPUT -j NOSUCH\n                ^"), formatted(FILTER + "-A INPUT -j NOSUCH\nCOMMIT\n"));
    }

    @Test
    void optionsAfterATargetThatTakesNoneAreAnErrorOnThatLineOnly() {
        Parsed<Ruleset> p = parse("*filter\n:INPUT ACCEPT [0:0]\n:KUBE-X - [0:0]\n-A INPUT -j ACCEPT --extra\n"
                + "-A INPUT -j KUBE-X 7\n-A INPUT -j KUBE-X\nCOMMIT\n");
        assertEquals(List.of(
                "t.rules:4:20: error[IPT015]: unexpected '--extra' after -j ACCEPT (expected: the end of the rule)\n"
                        + "    -A INPUT -j ACCEPT --extra\n"
                        + "                       ^",
                "t.rules:5:20: error[IPT015]: unexpected '7' after -j KUBE-X (expected: the end of the rule)\n"
                        + "    -A INPUT -j KUBE-X 7\n"
                        + "                       ^"), p.diagnostics().stream().map(Diagnostic::format).toList());
        assertEquals(1, p.value().table("filter").orElseThrow().chain("INPUT").orElseThrow().rules().size());
    }

    @Test
    void binaryFileGivesOneError() {
        StringBuilder junk = new StringBuilder("*filter\n");
        for (int k = 0; k < 5000; k++) {
            junk.append((char) (k % 7)).append("x\n");
        }
        assertEquals(List.of("t.rules:2:1: error[IPT001]: the input is not an iptables-save dump: it contains a NUL byte"
                + " (binary file?) (expected: text output of iptables-save or ip6tables-save)"), formatted(junk.toString()));
        String controls = "*filter\n" + "\u0001\u0002\u0003abc\n".repeat(100);
        assertEquals(List.of("t.rules:2:1: error[IPT001]: the input is not an iptables-save dump: 300 of its first 708"
                + " characters are control characters (binary file?) (expected: text output of iptables-save or"
                + " ip6tables-save)"), formatted(controls));
    }

    @Test
    void chainUsedBeforeItsDeclaration() {
        Parsed<Ruleset> p = parse("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LATE\n-A LATE -j DROP\n:LATE - [0:0]\nCOMMIT\n");
        assertEquals(List.of(
                "t.rules:3:13: error[IPT010]: chain 'LATE' is used before its declaration on line 5 (expected: chain"
                        + " declarations (:NAME POLICY [p:b]) before the rules of the table)\n    -A INPUT -j LATE\n                ^",
                "t.rules:4:4: error[IPT010]: chain 'LATE' is used before its declaration on line 5 (expected: chain"
                        + " declarations (:NAME POLICY [p:b]) before the rules of the table)\n    -A LATE -j DROP\n       ^"),
                p.diagnostics().stream().map(Diagnostic::format).toList());
        assertTrue(p.value().table("filter").orElseThrow().chain("LATE").isPresent(), "the late declaration still counts");
    }

    @Test
    void duplicateChain() {
        assertEquals(List.of("t.rules:3:1: error[IPT011]: chain 'FOO' is declared twice (first on line 2) (expected: each"
                + " chain declared once per table)\n    :FOO - [0:0]\n    ^"), formatted("*filter\n:FOO - [0:0]\n:FOO - [0:0]\nCOMMIT\n"));
    }

    @Test
    void ruleForUndeclaredChainAndOrphanOption() {
        assertEquals(List.of(
                "t.rules:5:4: error[IPT012]: chain 'NOPE' is not declared in table 'filter' (expected: :NOPE - [0:0] before"
                        + " its rules)\n    -A NOPE -j DROP\n       ^",
                "t.rules:6:10: error[IPT016]: option --dport belongs to no loaded match (expected: -m MODULE before its"
                        + " options, or an option of a loaded match (none is loaded))\n    -A INPUT --dport 80 -j DROP\n"
                        + "             ^"),
                formatted(FILTER + "-A NOPE -j DROP\n-A INPUT --dport 80 -j DROP\nCOMMIT\n"));
    }

    @Test
    void malformedChainAndUnrecognizedLine() {
        assertEquals(List.of(
                "t.rules:2:8: error[IPT013]: 'MAYBE' is not a chain policy (expected: ACCEPT or DROP for a built-in chain,"
                        + " - for a user chain)\n    :INPUT MAYBE [0:0]\n           ^",
                "t.rules:3:1: error[IPT014]: unrecognized line (expected: a comment (#), *table, :CHAIN POLICY [p:b], a rule"
                        + " (-A ...) or COMMIT)\n    hello\n    ^"),
                formatted("*filter\n:INPUT MAYBE [0:0]\nhello\nCOMMIT\n"));
    }

    @Test
    void aChainWithABadPolicyOrBadCountersIsStillDeclaredSoItsRulesAreKept() {
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("t.rules",
                "*filter\n:FOO BAR\n:BAZ - [x:y]\n-A FOO -j ACCEPT\n-A BAZ -j DROP\nCOMMIT\n");
        assertEquals(2, parsed.diagnostics().size(), parsed.diagnostics().toString());
        assertEquals("IPT013", parsed.diagnostics().get(0).code());
        Table filter = parsed.value().table("filter").orElseThrow();
        assertEquals(1, filter.chain("FOO").orElseThrow().rules().size());
        assertEquals(1, filter.chain("BAZ").orElseThrow().rules().size());
    }

    @Test
    void placementTheKernelRefusesIsAWarningAndTheRuleIsKept() {
        String nat = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                + "-A PREROUTING -p tcp -j REJECT --reject-with tcp-reset\n"
                + "-A INPUT -d 10.0.0.1/32 -j DNAT --to-destination 10.0.0.2\n"
                + "-A OUTPUT -j MASQUERADE\n"
                + "-A PREROUTING -o eth0 -j ACCEPT\n"
                + "-A POSTROUTING -i eth0 -j ACCEPT\n"
                + "-A PREROUTING -j DNAT --to-destination 10.0.0.2:80\n"
                + "COMMIT\n" + FILTER + "-A FORWARD -j DNAT --to-destination 10.0.0.2\nCOMMIT\n";
        Parsed<Ruleset> p = parse(nat);
        assertEquals(List.of(
                "t.rules:6:22: warning[IPT106]: REJECT is refused outside the filter table (here: nat) (expected: REJECT only in the filter table)",
                "t.rules:7:25: warning[IPT106]: DNAT is refused in nat INPUT (expected: nat PREROUTING or OUTPUT, or a chain reached from them)",
                "t.rules:8:11: warning[IPT106]: MASQUERADE is refused in nat OUTPUT (expected: nat POSTROUTING, or a chain reached from it)",
                "t.rules:9:15: warning[IPT106]: -o is refused in PREROUTING (no output device there) (expected: -o only in FORWARD, OUTPUT, POSTROUTING)",
                "t.rules:10:16: warning[IPT106]: -i is refused in POSTROUTING (no input device there) (expected: -i only in PREROUTING, INPUT, FORWARD)",
                "t.rules:11:15: warning[IPT106]: a NAT port range needs -p tcp, udp, sctp or dccp in the same rule (expected: -p tcp or -p udp before the NAT target)",
                "t.rules:17:12: warning[IPT106]: DNAT is refused outside the nat table (here: filter) (expected: nat PREROUTING or OUTPUT, or a chain reached from them)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
        assertEquals(6, p.value().table("nat").orElseThrow().rules().size());
        assertEquals(1, p.value().table("filter").orElseThrow().rules().size());
    }

    @Test
    void strictModeStopsAtTheFirstErrorWithAnEmptyRuleset() {
        String text = FILTER + "-A INPUT -s 1.2.3.999 -j DROP\n-A INPUT -j NOSUCH\nCOMMIT\n";
        Parsed<Ruleset> lenient = IptablesSaveParser.parse("t.rules", text, Optional.empty(), ParseOptions.lenient());
        Parsed<Ruleset> strict = IptablesSaveParser.parse("t.rules", text, Optional.empty(), ParseOptions.strict());
        assertEquals(List.of("IPT006", "IPT009"), lenient.errors().stream().map(Diagnostic::code).toList());
        assertEquals(List.of("IPT006"), strict.errors().stream().map(Diagnostic::code).toList());
        assertEquals(List.of(), strict.value().tables());
        assertEquals(1, lenient.value().tables().size());
    }
}
