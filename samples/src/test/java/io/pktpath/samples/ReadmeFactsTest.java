package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks the mechanical facts of each bundle README's "What the kernel did" against pktpath: the rule counters that
 * moved, and the client result lines
 * ({@code sport=N reply=POD:...}) say which endpoint answered each connection, so pktpath's DNAT of that connection's
 * first packet must name that pod's address (from scenario.env {@code POD_<NAME>_IP} or {@code _IP6}); lines naming
 * something that is not a pod (the uplink) are skipped.
 */
class ReadmeFactsTest {
    /**
     * Facts no capture frame can show (diff-report.md E7/U1): the node itself is the client in output-dnat-local and
     * MASQUERADE --random-fully replaced its source port before the capture point, so no frame carries the README's port.
     */
    private static final Map<String, String> KNOWN = Map.of(
            "output-dnat-local sport 45718", "README: web1 [10.244.1.3] answered; pktpath DNAT to no NATed packet",
            "output-dnat-local sport 45722", "README: web1 [10.244.1.3] answered; pktpath DNAT to no NATed packet",
            "output-dnat-local sport 45738", "README: web1 [10.244.1.3] answered; pktpath DNAT to no NATed packet");
    private static final Pattern RESULT = Pattern.compile("sport=(\\d+) repl(?:y|ies)=([a-z0-9]+):");

    @Test
    void everyConnectionWasDnatedToTheEndpointThatAnswered() throws IOException {
        Map<String, String> mismatches = new TreeMap<>();
        int checked = 0;
        for (Path bundle : RecordedBundles.all()) {
            Map<Integer, String> answered = answeredBy(bundle);
            if (answered.isEmpty()) {
                continue;
            }
            Map<String, String> env = RecordedBundles.scenarioEnv(bundle);
            List<PacketTrace> traces = new ArrayList<>();
            Analyzer.analyze(BundleLoader.loadDirectory(bundle), Optional.of(bundle.resolve("capture.pcap")),
                    AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
            for (Map.Entry<Integer, String> e : answered.entrySet()) {
                String name = e.getValue().toUpperCase();
                List<String> addresses = java.util.stream.Stream.of("POD_" + name + "_IP", "POD_" + name + "_IP6")
                        .map(env::get).filter(java.util.Objects::nonNull).toList();
                if (addresses.isEmpty()) {
                    continue;
                }
                Optional<PacketTrace> first = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                        && t.packet().sport() == e.getKey() && t.nat().isPresent()).findFirst();
                Optional<PacketTrace> sent = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS
                        || t.role() == FrameRole.LOCAL_OUT) && t.packet().sport() == e.getKey()).findFirst();
                if (first.isEmpty() && sent.flatMap(t -> t.packet().dst()).map(d -> addresses.contains(d.toString()))
                        .orElse(false)) {
                    // the client addressed the pod that answered (brg-bridge-v6's direct connections): nothing to DNAT
                    continue;
                }
                String dnatTo = first.map(t -> t.nat().get().after().dst().toString()).orElse("no NATed packet");
                checked++;
                if (!addresses.contains(dnatTo)) {
                    mismatches.put(bundle.getFileName() + " sport " + e.getKey(),
                            "README: " + e.getValue() + " " + addresses + " answered; pktpath DNAT to " + dnatTo);
                }
            }
        }
        assertTrue(checked >= 20, "README result lines checked: " + checked);
        assertEquals(KNOWN, mismatches);
    }

    /** The client result lines of a README: source port -> name of the pod that answered. */
    static Map<Integer, String> answeredBy(Path bundle) throws IOException {
        Path readme = bundle.resolve("README.md");
        Map<Integer, String> out = new TreeMap<>();
        if (!Files.isRegularFile(readme)) {
            return out;
        }
        for (String line : Files.readAllLines(readme)) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) {
                out.put(Integer.parseInt(m.group(1)), m.group(2));
            }
        }
        return out;
    }

    /** {@code filter 8 -A FORWARD ...}: table, packets, rule text, in the README's "Rule counters that moved" block. */
    private static final Pattern MOVED = Pattern.compile("^(raw|mangle|nat|filter|security) (\\d+) (-A .*)$");

    /**
     * The README's "Rule counters that moved" block (kernel counters after the traffic, zeroed before it) against
     * pktpath's per-rule hits; bundles with open counter differences are left to DifferentialTest's known list.
     */
    @Test
    void rulesThatMovedInTheReadmeMovedAsMuchInPktpath() throws IOException {
        Map<String, String> mismatches = new TreeMap<>();
        int checked = 0;
        for (Path bundle : RecordedBundles.traced()) {
            String name = bundle.getFileName().toString();
            boolean openCounters = KnownDifferences.of(name).lines().stream().anyMatch(l -> l.startsWith("counter "));
            List<String[]> moved = moved(bundle);
            if (moved.isEmpty() || openCounters) {
                continue;
            }
            AnalysisResult result = Analyzer.analyze(BundleLoader.loadDirectory(bundle),
                    Optional.of(bundle.resolve("capture.pcap")), AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
            RuleHits hits = result.hits().orElseThrow();
            for (String[] m : moved) {
                int family = Integer.parseInt(m[3]);
                long ours = hits.hitRules().stream().filter(r -> r.family() == family && r.table().equals(m[0])
                        && r.text().equals(m[2])).mapToLong(r -> hits.rule(r).packets()).sum();
                checked++;
                if (ours != Long.parseLong(m[1])) {
                    mismatches.put(name + " " + (family == 6 ? "ip6 " : "") + m[0] + " " + m[2],
                            "README " + m[1] + " packets, pktpath " + ours);
                }
            }
        }
        assertTrue(checked >= 100, "README counter lines checked: " + checked);
        assertEquals(Map.of(), mismatches);
    }

    /**
     * The README's counter lines as {table, packets, rule text, family}: the "Rule counters that moved" block is
     * iptables-save's (IPv4), the "ip6tables counters that moved" block after it ip6tables-save's, so that a rule text
     * both families hold (a dual-stack kube-proxy's) is compared with the hits of that family's rule alone.
     */
    private static List<String[]> moved(Path bundle) throws IOException {
        List<String[]> out = new ArrayList<>();
        String family = null;
        for (String line : Files.readAllLines(bundle.resolve("README.md"))) {
            if (line.startsWith("### Rule counters that moved")) {
                family = "4";
            } else if (line.startsWith("### ip6tables counters that moved")) {
                family = "6";
            } else if (line.startsWith("### ")) {
                family = null;
            } else if (family != null) {
                Matcher m = MOVED.matcher(line);
                if (m.matches()) {
                    out.add(new String[] {m.group(1), m.group(2), m.group(3), family});
                }
            }
        }
        return out;
    }
}
