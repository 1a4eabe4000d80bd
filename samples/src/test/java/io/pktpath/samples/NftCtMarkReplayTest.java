package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-ct-mark replayed: nft's conntrack mark in wg-quick's table ({@code meta mark set ct mark}, {@code ct mark
 * set meta mark}) and a policy table ({@code ct mark set VALUE}, {@code ct mark} tests, plain, negated and masked, a
 * {@code ct mark set ... accept}), whose marks choose between wg-quick's rule {@code not fwmark 0xca6c lookup 51820}
 * (wg0) and the main table (eth0). Checked against the kernel's recording, never pktpath's own output: each packet the
 * kernel traced (nft-trace.txt) takes the same native rules with the same verdicts, carries the same mark out of
 * prerouting, leaves by the interface the kernel's postrouting trace names (or is dropped where the kernel dropped it),
 * each connection ends with the mark conntrack -L listed, and each native counter equals the kernel's.
 */
class NftCtMarkReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-ct-mark");
    private static final List<String> TABLES = List.of("ip wg-quick-wg0", "ip pkp_ctm");
    private static final Pattern LINE = Pattern.compile("trace id (\\w+) (ip [\\w-]+) (\\w+) (.*)");
    private static final Pattern PACKET = Pattern.compile("packet: (?:iif \"\\S+\" )?(?:oif \"(\\S+)\" )?.* ip saddr (\\S+) .* ip id (\\d+)"
            + " .* (?:tcp|udp) sport (\\d+) (?:tcp|udp) dport (\\d+) .*");
    private static final Pattern RULE = Pattern.compile("(?:policy (\\w+)|rule (.*) \\(verdict (\\w+)(?: (\\S+))?\\))"
            + "(?: meta mark (0x[0-9a-f]+))?\\s*");
    private static final Pattern CONNTRACK = Pattern.compile("(tcp|udp) .* src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+)"
            + " src=.* mark=(\\d+) .*");
    private static final Pattern COUNTED = Pattern.compile("^\\s*(.*counter) packets (\\d+) bytes \\d+(.*?) # handle \\d+$");
    private static final Pattern MARK_EFFECT = Pattern.compile("mark 0x[0-9a-f]+ -> (0x[0-9a-f]+)");
    private static final List<PacketTrace> TRACES = new ArrayList<>();
    private static AnalysisResult result;

    @BeforeAll
    static void replay() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        for (String t : TABLES) {
            for (String chain : List.of("preraw", "premangle", "postmangle", "pre", "forward_marks")) {
                assertTrue(bundle.nftReplay().refusal(t + " " + chain).isEmpty(), t + " " + chain + ": "
                        + bundle.nftReplay().refusal(t + " " + chain).orElse(""));
            }
        }
        result = Analyzer.analyze(bundle, Optional.of(DIR.resolve("capture.pcap")), AnalysisOptions.DEFAULT, TRACES::add,
                n -> { }, () -> false);
    }

    /** What the kernel, or the replay, did with one packet: its native steps, mark out of prerouting, egress. */
    private record Walk(String key, List<String> steps, String markAfterPrerouting, String outcome) {
    }

    /** A rule's nft text without its counter's values. */
    private static String uncounted(String text) {
        return text.replaceAll("counter packets \\d+ bytes \\d+", "counter").strip();
    }

    /**
     * Every packet nft monitor trace shows, in order, keyed by saddr, ip id and ports: a walk starts at the packet's
     * line in iptables' raw PREROUTING (the first chain of every packet; the kernel reuses a trace id for a later
     * packet), and takes the lines under its trace id until the next walk with that id starts.
     */
    private static List<Walk> kernelWalks() throws IOException {
        List<String> keys = new ArrayList<>();
        List<List<String>> steps = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        Map<String, Integer> current = new HashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            Matcher l = LINE.matcher(line);
            if (!l.matches()) {
                continue;
            }
            String table = l.group(2);
            String chain = l.group(3);
            Matcher p = PACKET.matcher(l.group(4));
            if (p.matches() && table.equals("ip raw") && chain.equals("PREROUTING")) {
                current.put(l.group(1), keys.size());
                keys.add(p.group(2) + " id " + p.group(3) + " " + p.group(4) + " > " + p.group(5));
                steps.add(new ArrayList<>());
                marks.add("0x0");
                outcomes.add("none");
                continue;
            }
            Integer w = current.get(l.group(1));
            assertTrue(w != null, "a line of no packet: " + line);
            if (p.matches()) {
                if (chain.equals("postmangle")) {
                    outcomes.set(w, "out " + p.group(1));
                }
                continue;
            }
            Matcher r = RULE.matcher(l.group(4));
            if (!r.matches() || !TABLES.contains(table)) {
                continue;
            }
            String verdict = r.group(1) != null ? "POLICY:" + r.group(1).toUpperCase()
                    : r.group(3).toUpperCase() + (r.group(4) == null ? "" : ":" + r.group(4));
            steps.get(w).add(table + " " + chain + ": " + (r.group(2) != null ? uncounted(r.group(2)) : "policy")
                    + " => " + verdict);
            if (chain.equals("pre") && r.group(1) != null && r.group(5) != null) {
                marks.set(w, "0x" + Long.toHexString(Long.parseLong(r.group(5).substring(2), 16)));
            }
            if (verdict.equals("DROP")) {
                outcomes.set(w, "dropped by " + table + " " + chain);
            }
        }
        List<Walk> walks = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            walks.add(new Walk(keys.get(i), steps.get(i), marks.get(i), outcomes.get(i)));
        }
        return walks;
    }

    private static Walk replayed(PacketTrace t) {
        List<String> steps = new ArrayList<>();
        String mark = "0x0";
        for (TraceStep s : t.path()) {
            if (s instanceof PolicyStep p && TABLES.contains(p.table())) {
                steps.add(p.table() + " " + p.chain() + ": policy => " + p.verdict());
            }
            if (s instanceof RuleStep r && TABLES.contains(r.rule().table())) {
                steps.add(r.rule().table() + " " + r.rule().chain() + ": " + uncounted(r.rule().text()) + " => "
                        + r.verdict());
                for (String effect : r.effects()) {
                    Matcher m = MARK_EFFECT.matcher(effect);
                    if (r.hook() == Hook.PREROUTING && m.matches() && !effect.startsWith("ctmark")) {
                        mark = m.group(1);
                    }
                }
            }
        }
        String outcome = switch (t.disposition()) {
            case FORWARDED -> "out " + t.route().orElseThrow().dev();
            case DROPPED_BY_RULE -> steps.isEmpty() ? "dropped elsewhere"
                    : "dropped by " + steps.get(steps.size() - 1).substring(0, steps.get(steps.size() - 1).indexOf(':'));
            default -> t.disposition().name();
        };
        String key = t.packet().src().orElseThrow() + " id " + t.packet().ipId() + " " + t.packet().sport() + " > "
                + t.packet().dport();
        return new Walk(key, steps, mark, outcome);
    }

    @Test
    void everyTracedPacketTakesTheKernelsRulesCarriesItsMarkAndLeavesByItsInterface() throws IOException {
        List<Walk> kernel = kernelWalks();
        List<Walk> replay = TRACES.stream()
                .filter(t -> t.role() == FrameRole.INGRESS && t.packet().family() != 0).map(NftCtMarkReplayTest::replayed)
                .toList();
        assertEquals(40, kernel.size(), "the recording's 40 packets through the node");
        assertEquals(kernel.size(), replay.size());
        for (int i = 0; i < kernel.size(); i++) {
            assertEquals(kernel.get(i), replay.get(i), "packet " + (i + 1) + " of the trace");
        }
        // what makes the recording worth replaying: marks that choose the route, set and read through the ct mark
        assertEquals(2, kernel.stream().filter(w -> w.outcome().startsWith("dropped")).count());
        assertEquals(7, kernel.stream().filter(w -> w.outcome().equals("out wg0")).count());
        assertEquals(13, kernel.stream().filter(w -> w.outcome().equals("out eth0")).count());
        assertTrue(kernel.stream().filter(w -> w.outcome().equals("out eth0"))
                .allMatch(w -> w.markAfterPrerouting().equals("0xca6c")), "every packet around the tunnel is marked");
        assertTrue(kernel.stream().filter(w -> w.outcome().equals("out wg0"))
                .allMatch(w -> w.markAfterPrerouting().equals("0x0")), "every packet into the tunnel is not");
        List<String> all = kernel.stream().flatMap(w -> w.steps().stream()).toList();
        for (String form : List.of("meta mark set ct mark => CONTINUE", "ct mark set meta mark => CONTINUE",
                "ct mark set 0x0000ca6c => CONTINUE", "ct mark set 0x00000100 accept => ACCEPT",
                "ct mark & 0x0000ff00 == 0x00000100 counter accept => ACCEPT", "ct mark 0x0000ca6c counter accept => ACCEPT",
                "ct mark != 0x0000ca6c counter drop => DROP")) {
            assertTrue(all.stream().anyMatch(s -> s.endsWith(form)), form);
        }
    }

    @Test
    void eachConnectionEndsWithTheMarkConntrackListed() throws IOException {
        Map<String, Long> kernel = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = CONNTRACK.matcher(line);
            assertTrue(m.matches(), line);
            kernel.put(m.group(1) + " " + m.group(2) + ":" + m.group(4) + " > " + m.group(3) + ":" + m.group(5),
                    Long.parseLong(m.group(6)));
        }
        assertEquals(5, kernel.size(), kernel.toString());
        Map<String, Long> replay = new TreeMap<>();
        for (FlowRecord f : result.flows()) {
            // the 22 SYN was dropped in forward: its entry was never confirmed, conntrack -L does not list it
            if (f.replied()) {
                replay.put((f.original().protocol() == 6 ? "tcp" : "udp") + " " + f.original().src() + ":"
                        + f.original().sport() + " > " + f.original().dst() + ":" + f.original().dport(), f.mark());
            }
        }
        assertEquals(kernel, replay);
        assertEquals(List.of(0L, 256L, 51820L), kernel.values().stream().distinct().sorted().toList());
    }

    @Test
    void eachNativeRuleIsCountedAsTheKernelCountedIt() throws IOException {
        Map<String, Long> kernel = new TreeMap<>();
        String table = null;
        for (String line : Files.readAllLines(DIR.resolve("nft-ruleset.txt"))) {
            if (line.startsWith("table ")) {
                table = line.substring(6, line.indexOf(" {"));
            }
            Matcher m = COUNTED.matcher(line);
            if (TABLES.contains(table) && m.matches()) {
                kernel.put(table + " " + uncounted(m.group(1) + m.group(3)), Long.parseLong(m.group(2)));
            }
        }
        assertEquals(11, kernel.size(), kernel.toString());
        Map<String, Long> replay = new TreeMap<>();
        kernel.keySet().forEach(k -> replay.put(k, 0L));
        for (PacketTrace t : TRACES) {
            for (TraceStep s : t.path()) {
                if (s instanceof RuleStep r && TABLES.contains(r.rule().table())) {
                    replay.computeIfPresent(r.rule().table() + " " + uncounted(r.rule().text()), (k, v) -> v + 1);
                }
            }
        }
        assertEquals(kernel, replay);
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.kernelPackets(), report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("11 native nftables rule counters")),
                report.notes().toString());
    }
}
