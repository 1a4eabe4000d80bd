package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.KernelEventComparison;
import io.pktpath.core.conntrack.KernelEventDifference;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.findings.FindingSeverity;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.conntrack.ConntrackEventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/conntrack-events replayed: {@code conntrack -E -o timestamp,id} ran in the node namespace during the capture,
 * and the kernel's NEW events (one per connection: 4 pod connections and 4 DNS requests to ClusterIPs, 2 masqueraded
 * uplink connections, a ping) name the endpoint each statistic rule picked and the port MASQUERADE --random-fully
 * chose. verify compares them with the replay's connections; doctored copies are reported line by line.
 */
class ConntrackEventsReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("conntrack-events");
    private static final String EVENTS = "conntrack-events.txt";

    @Test
    void theEventsFileIsRecognizedByContentAndEveryLineIsRead() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertTrue(bundle.has(InputKind.CONNTRACK_EVENTS), bundle.inventory().lines().toString());
        assertTrue(bundle.has(InputKind.CONNTRACK_LIST), "conntrack-L.txt stays conntrack -L");
        long lines = Files.readAllLines(DIR.resolve(EVENTS)).stream().filter(l -> !l.isBlank()).count();
        assertEquals(lines, bundle.conntrackEvents().size());
        assertTrue(bundle.diagnostics().stream().noneMatch(d -> d.span().file().equals(EVENTS)),
                bundle.diagnostics().toString());
        assertEquals(11, bundle.conntrackEvents().stream().filter(e -> e.type() == ConntrackEventType.NEW).count());
        assertTrue(bundle.conntrackEvents().stream().allMatch(e -> e.timestampMicros().isPresent() && e.id().isPresent()));
    }

    @Test
    void verifyReportsEveryEventEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        KernelEventComparison events = report.events().orElseThrow();
        assertEquals(List.of(), events.differences());
        assertEquals(11, events.events());
        assertEquals(11, events.compared());
        assertEquals(11, events.equal());
        assertTrue(report.agrees(), report.text());
        assertTrue(report.text().contains("conntrack events (conntrack -E NEW): events 11, compared 11, equal 11\n"),
                report.text());
        assertEquals(List.of(), report.differences(), "the trace agrees too");
    }

    @Test
    void analyzeMakesNoEventFindingOnTheRecording() throws IOException {
        assertTrue(findings(BundleLoader.loadDirectory(DIR)).stream()
                .noneMatch(f -> f.code().equals(Codes.CONNTRACK_EVENTS_DIFFER)));
    }

    @Test
    void aDoctoredReplyPortIsADifferenceNamingItsLine(@TempDir Path dir) throws IOException {
        copy(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EVENTS));
        int index = lineOf(lines, "[NEW] tcp", "src=172.18.0.1");
        String original = lines.get(index);
        String port = original.replaceAll(".* dport=(\\d+) id=.*", "$1");
        int doctored = Integer.parseInt(port) == 1024 ? 1025 : 1024;
        lines.set(index, original.replace("dport=" + port + " id=", "dport=" + doctored + " id="));
        Files.write(dir.resolve(EVENTS), lines);
        VerifyReport report = Verifier.verify(dir);
        KernelEventComparison events = report.events().orElseThrow();
        assertEquals(11, events.compared());
        assertEquals(10, events.equal());
        assertEquals(1, events.differences().size(), events.differences().toString());
        KernelEventDifference d = events.differences().get(0);
        assertEquals(KernelEventDifference.Kind.REPLY_TUPLE, d.kind());
        assertEquals(EVENTS + ":" + (index + 1), d.location());
        assertTrue(d.tuple().startsWith("tcp 172.18.0.1:"), d.tuple());
        assertTrue(d.kernel().contains("SNAT to 172.18.0.2:" + doctored), d.kernel());
        assertTrue(d.pktpath().contains("SNAT to 172.18.0.2:" + port), d.pktpath());
        assertFalse(report.agrees());
        assertTrue(report.text().contains("\nCONNTRACK " + EVENTS + ":" + (index + 1) + " reply tuple tcp 172.18.0.1:"),
                report.text());
        assertTrue(report.differences().isEmpty(), "only the events were doctored");

        Finding f = findings(BundleLoader.loadDirectory(dir)).stream()
                .filter(x -> x.code().equals(Codes.CONNTRACK_EVENTS_DIFFER)).findFirst().orElseThrow();
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals(List.of(d.frame()), f.frames());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith(EVENTS + ":" + (index + 1) + " reply tuple")),
                f.evidence().toString());
    }

    @Test
    void aDoctoredEndpointAndAMissingAndAnExtraEventAreEachReported(@TempDir Path dir) throws IOException {
        copy(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EVENTS));
        // the first DNS request's NEW names the other endpoint
        int dns = lineOf(lines, "[NEW] udp", "dport=53");
        String line = lines.get(dns);
        String endpoint = line.contains("src=10.244.1.3 dst=10.244.1.2") ? "10.244.1.3" : "10.244.1.4";
        String other = endpoint.equals("10.244.1.3") ? "10.244.1.4" : "10.244.1.3";
        lines.set(dns, line.replace("src=" + endpoint + " dst=10.244.1.2", "src=" + other + " dst=10.244.1.2"));
        // the ping's NEW is lost, and the kernel announces a connection the capture never shows
        int ping = lineOf(lines, "[NEW] icmp", "type=8");
        String pingLine = lines.get(ping);
        lines.set(ping, pingLine.replace("[NEW]", "[UPDATE]").replace(" [UNREPLIED]", ""));
        lines.add(lines.get(lineOf(lines, "[NEW] udp", "dport=53")).replaceAll("sport=(\\d+) dport=53", "sport=1 dport=53")
                .replaceAll("sport=5353 dport=\\d+", "sport=5353 dport=1"));
        Files.write(dir.resolve(EVENTS), lines);
        KernelEventComparison events = Verifier.verify(dir).events().orElseThrow();
        assertEquals(11, events.events(), "one NEW gone, one added");
        assertEquals(10, events.compared());
        assertEquals(9, events.equal());
        List<KernelEventDifference.Kind> kinds = events.differences().stream().map(KernelEventDifference::kind).toList();
        assertEquals(List.of(KernelEventDifference.Kind.REPLY_TUPLE, KernelEventDifference.Kind.NO_REPLAYED_CONNECTION),
                kinds, events.differences().toString());
        KernelEventDifference reply = events.differences().get(0);
        assertEquals(EVENTS + ":" + (dns + 1), reply.location());
        assertTrue(reply.kernel().contains("DNAT to " + other + ":5353"), reply.kernel());
        assertTrue(reply.pktpath().contains("DNAT to " + endpoint + ":5353"), reply.pktpath());
        assertEquals(EVENTS + ":" + lines.size(), events.differences().get(1).location());
        assertTrue(events.notes().stream().anyMatch(n -> n.contains("existed before the events began")),
                "the ping announced only by an UPDATE is not a connection the kernel never announced: " + events.notes());
    }

    @Test
    void aConnectionTheKernelNeverAnnouncedIsReported(@TempDir Path dir) throws IOException {
        copy(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EVENTS));
        String tuple = lines.get(lineOf(lines, "[NEW] udp", "dport=53")).replaceAll(".*\\[NEW\\] udp\\s+17 30 (src=\\S+ "
                + "dst=\\S+ sport=\\d+ dport=53) .*", "$1");
        lines.removeIf(l -> l.contains(tuple));
        Files.write(dir.resolve(EVENTS), lines);
        KernelEventComparison events = Verifier.verify(dir).events().orElseThrow();
        assertEquals(10, events.events());
        assertEquals(10, events.equal());
        assertEquals(1, events.differences().size(), events.differences().toString());
        KernelEventDifference d = events.differences().get(0);
        assertEquals(KernelEventDifference.Kind.NOT_ANNOUNCED, d.kind());
        assertEquals("", d.location());
        assertTrue(d.frame() > 0);
        assertTrue(d.headline().startsWith("- not announced by the kernel udp 10.244.1.2:"), d.headline());
    }

    /** A copy in {@code dir} that keeps only the client's veth (interface 3) and no {@code conntrack -L}. */
    private static void clientVethOnly(Path dir) throws IOException {
        copy(dir);
        Files.delete(dir.resolve("conntrack-L.txt"));
        Path whole = dir.resolve("whole.pcap");
        Files.move(dir.resolve("capture.pcap"), whole);
        io.pktpath.core.capture.OneInterface.keep(whole, dir.resolve("capture.pcap"), 3);
        Files.delete(whole);
    }

    @Test
    void whereOnlyTheClientsVethWasCapturedTheEventsDecideEachConnectionsEndpoint(@TempDir Path dir)
            throws IOException {
        clientVethOnly(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EVENTS));
        KernelEventComparison events = Verifier.verify(dir).events().orElseThrow();
        assertTrue(events.differences().stream().noneMatch(d -> d.kind() == KernelEventDifference.Kind.REPLY_TUPLE),
                "every pod connection follows the endpoint its NEW event names: " + events.differences());
        assertEquals(2, events.differences().stream()
                .filter(d -> d.kind() == KernelEventDifference.Kind.NO_REPLAYED_CONNECTION
                        && d.tuple().startsWith("tcp 172.18.0.1:")).count(), "the uplink's connections are not in it");
        // each NEW of a pod's connection to a service decided exactly one first packet, to the endpoint it names
        List<io.pktpath.core.trace.PacketTrace> traces = new java.util.ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        int decided = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.contains("[NEW]") || !line.contains("src=10.244.1.2 dst=10.96.0.4")) {
                continue;
            }
            String endpoint = line.contains("src=10.244.1.3 dst=10.244.1.2") ? "10.244.1.3" : "10.244.1.4";
            String at = EVENTS + ":" + (i + 1) + ",";
            List<io.pktpath.core.trace.PacketTrace> by = traces.stream().filter(t -> t.path().stream().anyMatch(
                    s -> s instanceof io.pktpath.core.trace.UndecidedStep u
                            && u.decidedBy().startsWith("the kernel's conntrack -E event at " + at))).toList();
            assertEquals(1, by.size(), line);
            assertEquals(endpoint, by.get(0).nat().orElseThrow().after().dst().toString(), line);
            decided++;
        }
        assertEquals(8, decided, "4 TCP connections and 4 DNS requests");
        assertTrue(lines.stream().filter(l -> l.contains("[NEW]") && l.contains("src=10.244.1.4 dst=10.244.1.2"))
                .count() == 4, "2 TCP connections and 2 requests went to ep2, which the first branch would have missed");
    }

    @Test
    void anEventNoBranchCanFollowLeavesTheFirstBranchAndIsReportedWithWhatTheCaptureCouldNotDecide(@TempDir Path dir)
            throws IOException {
        clientVethOnly(dir);
        List<String> lines = Files.readAllLines(dir.resolve(EVENTS));
        int first = lineOf(lines, "[NEW] tcp", "src=10.244.1.2 dst=10.96.0.40");
        String line = lines.get(first);
        lines.set(first, line.replaceAll("src=10\\.244\\.1\\.[34] dst=10\\.244\\.1\\.2", "src=10.244.1.9 dst=10.244.1.2"));
        Files.write(dir.resolve(EVENTS), lines);
        KernelEventComparison events = Verifier.verify(dir).events().orElseThrow();
        List<KernelEventDifference> replies = events.differences().stream()
                .filter(d -> d.kind() == KernelEventDifference.Kind.REPLY_TUPLE).toList();
        assertEquals(1, replies.size(), events.differences().toString());
        KernelEventDifference d = replies.get(0);
        assertEquals(EVENTS + ":" + (first + 1), d.location());
        assertTrue(d.kernel().contains("DNAT to 10.244.1.9:"), d.kernel());
        assertTrue(d.pktpath().contains("DNAT to 10.244.1.3:"), d.pktpath());
        assertTrue(d.pktpath().contains("the capture could not decide") && d.pktpath().contains("KUBE-SVC-")
                && d.pktpath().contains("the kernel's event says the connection went to 10.244.1.9:"), d.pktpath());
    }

    private static int lineOf(List<String> lines, String a, String b) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(a) && lines.get(i).contains(b)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + a + " and " + b);
    }

    private static void copy(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    private static List<Finding> findings(Bundle bundle) {
        AnalysisResult r = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { },
                () -> false);
        return r.findings();
    }
}
