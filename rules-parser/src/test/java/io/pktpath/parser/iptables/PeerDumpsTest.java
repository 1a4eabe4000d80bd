package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every public dump parses without errors, with exactly the listed warnings, and every rule renders back to its line. */
class PeerDumpsTest {
    private static final List<String> TRACE_PACKET_COMMENT_LINES = List.of("11", "12", "13", "14", "15", "16", "53", "54", "55");
    private static final List<String> TRACE_PACKETS_COMMENT_LINES = List.of("10", "11", "12", "13", "14", "15", "51", "52", "53");

    /**
     * The expected warnings per dump as "line:CODE"; dumps not listed have none. Justification:
     * <ul>
     * <li>parser-test line 12 has {@code -m multiport ... --something-else}, an option multiport does not have (the dump is
     * a contrived parser test), so the match is kept as an UnsupportedMatch (IPT102).</li>
     * <li>kube-proxy TestTracePacket(s) write comments as several unquoted words ({@code --comment kubernetes service
     * portals}), which iptables-restore would reject; they are read as one comment and flagged (IPT108).</li>
     * </ul>
     */
    private static final Map<String, List<String>> EXPECTED_WARNINGS = Map.of(
            "iptables-save/iptables_semantics-parser-test.iptables-save", List.of("12:IPT102"),
            "kube-proxy/TestTracePacket/rules.iptables-save", TRACE_PACKET_COMMENT_LINES.stream().map(l -> l + ":IPT108").toList(),
            "kube-proxy/TestTracePackets/rules.iptables-save", TRACE_PACKETS_COMMENT_LINES.stream().map(l -> l + ":IPT108").toList());

    /** Dumps whose family is IPv6: by header, or by their addresses when they have no header. */
    private static final List<String> IPV6_DUMPS = List.of(
            "iptables-save/iptables_semantics-parser-test-ip6.iptables-save",
            "iptables-save/iptables_semantics-synology-ds414-ip6.iptables-save",
            "kube-proxy/TestDisableLocalhostNodePortsIPv6/rules.iptables-save",
            "kube-proxy/TestEnableLocalhostNodePortsIPv6/rules.iptables-save");

    private static Path peer() {
        Optional<Path> peer = PeerData.root();
        assumeTrue(peer.isPresent(), "shared peer data (../shared/peer from the repository root) is not present");
        return peer.get();
    }

    @Test
    void allDumpsAreFound() {
        List<Path> dumps = PeerData.dumps(peer());
        assertEquals(63, dumps.size(), "23 iptables-save dumps and 40 kube-proxy dumps");
    }

    @TestFactory
    Stream<DynamicTest> everyDumpParsesWithExactlyTheExpectedWarnings() {
        Path peer = peer();
        return PeerData.dumps(peer).stream().map(dump -> DynamicTest.dynamicTest(PeerData.name(peer, dump), () -> {
            String name = PeerData.name(peer, dump);
            Parsed<Ruleset> parsed = IptablesSaveParser.parse(name, Files.readString(dump));
            assertEquals(List.of(), parsed.errors().stream().map(Diagnostic::format).toList());
            List<String> warnings = parsed.diagnostics().stream().map(d -> d.span().line() + ":" + d.code()).toList();
            assertEquals(EXPECTED_WARNINGS.getOrDefault(name, List.of()), warnings);
            assertEquals(IPV6_DUMPS.contains(name) ? IpFamily.V6 : IpFamily.V4, parsed.value().family());
            assertTrue(parsed.value().tables().stream().mapToInt(t -> t.rules().size()).sum() > 0, "rules were read");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyRuleRendersBackToItsInputLine() {
        Path peer = peer();
        return PeerData.dumps(peer).stream().map(dump -> DynamicTest.dynamicTest(PeerData.name(peer, dump), () -> {
            String text = Files.readString(dump);
            String[] lines = text.split("\n", -1);
            Ruleset rules = IptablesSaveParser.parse(dump.toString(), text).value();
            List<String> mismatches = new ArrayList<>();
            int ruleLines = 0;
            for (String line : lines) {
                ruleLines += line.startsWith("-A ") || line.startsWith("[") ? 1 : 0;
            }
            List<Rule> all = new ArrayList<>(rules.skippedRules());
            rules.tables().forEach(t -> all.addAll(t.rules()));
            for (Rule rule : all) {
                String input = RoundTrip.inputRuleText(lines[rule.span().line() - 1]);
                String rendered = RuleRenderer.render(rule);
                if (!input.equals(rendered)) {
                    mismatches.add(rule.span() + "\n  in:  " + input + "\n  out: " + rendered);
                }
                assertEquals(input, RoundTrip.inputRuleText(rule.text()), "the stored text is the input line");
            }
            assertEquals(List.of(), mismatches);
            assertEquals(ruleLines, all.size(), "every rule line became a rule");
        }));
    }

    @Test
    void largestDumpHasItsRulesInOrder() throws IOException {
        Path dump = peer().resolve("iptables-save/iptables_semantics-tum-net-2013-10-20.iptables-save");
        Ruleset rules = IptablesSaveParser.parse("tum", Files.readString(dump)).value();
        rules.tables().forEach(t -> t.chains().forEach(c -> {
            for (int k = 0; k < c.rules().size(); k++) {
                assertEquals(k + 1, c.rules().get(k).position());
                assertEquals(c.name(), c.rules().get(k).chain());
                assertEquals(t.name(), c.rules().get(k).table());
            }
        }));
    }
}
