package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.netfilter.ClosedPort;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/local-closed-ports replayed: SYNs and datagrams netfilter delivered to node ports ss lists no listener for
 * stay DELIVERED_LOCALLY with a note saying the socket layer refuses them, and CONNECTION_REFUSED names each closed
 * destination with the node's RST / ICMP port unreachable from the capture; without the ss file the same refusals are
 * found from those answers alone, and the REJECT answers of bundles/reject-icmp-tcp are not taken for refusals.
 */
class LocalClosedPortsReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("local-closed-ports");

    private static PacketTrace frame(List<PacketTrace> traces, String info) {
        return traces.stream().filter(t -> t.packet().info().contains(info)).findFirst()
                .orElseThrow(() -> new AssertionError(info));
    }

    @Test
    void theSynToAClosedPortIsDeliveredWithARefusalNote() throws IOException {
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        PacketTrace syn = frame(traces, "172.18.0.1:44001 > 172.18.0.2:8081 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition());
        assertTrue(syn.notes().contains("delivered locally, but no socket listens on 172.18.0.2:8081 (tcp, ss): the kernel"
                + " answers with a RST"), syn.notes().toString());
        PacketTrace loopbackOnly = frame(traces, "172.18.0.1:44002 > 172.18.0.2:10248 [S]");
        assertTrue(loopbackOnly.notes().stream().anyMatch(n -> n.endsWith("on that port 127.0.0.1:10248 listens, bound to"
                + " that address only")), loopbackOnly.notes().toString());
        PacketTrace open = frame(traces, "172.18.0.1:44000 > 172.18.0.2:10250 [S]");
        assertTrue(open.notes().stream().noneMatch(n -> n.contains("no socket listens")), open.notes().toString());
        assertEquals(List.of(false), socketChecks(syn), "the refused SYN's path ends with a failed socket check");
        assertEquals(List.of(false), socketChecks(loopbackOnly));
        assertEquals(List.of(), socketChecks(open), "a SYN something listens for has no socket check");
    }

    /** Whether each socket check of the path passed, in path order. */
    private static List<Boolean> socketChecks(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof CheckStep c && c.check().equals(ClosedPort.SOCKET_CHECK))
                .map(s -> ((CheckStep) s).passed()).toList();
    }

    @Test
    void connectionRefusedGroupsEachClosedDestinationWithTheNodesAnswers() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        List<Finding> refused = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { },
                n -> { }, () -> false).findings().stream()
                .filter(f -> f.code().equals(Codes.CONNECTION_REFUSED)).toList();
        assertEquals(List.of("2 TCP SYN(s) to 172.18.0.2:8081 refused by the node: no socket listens there",
                "1 TCP SYN(s) to 172.18.0.2:10248 refused by the node: no socket listens there",
                "2 UDP datagram(s) to 172.18.0.2:8126 refused by the node: no socket listens there"),
                refused.stream().map(Finding::title).toList());
        assertTrue(refused.get(1).fix().endsWith("it listens on 127.0.0.1:10248 only"), refused.get(1).fix());
        assertTrue(refused.get(2).evidence().stream().anyMatch(e -> e.startsWith("the node answered with ICMP port"
                + " unreachable (frames ")), refused.get(2).evidence().toString());
    }

    private static List<Finding> refusals(Path dir) throws IOException {
        return Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.empty(), AnalysisOptions.DEFAULT, t -> { },
                n -> { }, () -> false).findings().stream()
                .filter(f -> f.code().equals(Codes.CONNECTION_REFUSED)).toList();
    }

    @Test
    void withoutTheSocketTableTheNodesAnswersInTheCaptureShowTheRefusals(@TempDir Path tmp) throws IOException {
        try (var files = Files.list(DIR)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("ss-")).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        List<Finding> refused = refusals(tmp);
        assertEquals(List.of("2 TCP SYN(s) to 172.18.0.2:8081 refused by the node: no socket listens there",
                "1 TCP SYN(s) to 172.18.0.2:10248 refused by the node: no socket listens there",
                "2 UDP datagram(s) to 172.18.0.2:8126 refused by the node: no socket listens there"),
                refused.stream().map(Finding::title).toList());
        assertEquals(List.of(13L, 14L, 35L, 36L), refused.get(0).frames());
        assertTrue(refused.get(0).evidence().contains("the node answered the SYN(s) with a RST (frames 14, 36); no socket"
                + " table (ss) in the bundle to say what listens"), refused.get(0).evidence().toString());
        assertTrue(refused.get(1).fix().startsWith("Start the service that should listen on tcp port 10248"),
                refused.get(1).fix());
        assertEquals(List.of(19L, 20L, 37L, 38L), refused.get(2).frames());
        assertTrue(refused.get(2).confidence().contains("from the capture alone"), refused.get(2).confidence());
        List<Finding> all = Analyzer.analyze(BundleLoader.loadDirectory(tmp), Optional.empty(), AnalysisOptions.DEFAULT,
                t -> { }, n -> { }, () -> false).findings();
        assertTrue(all.stream().noneMatch(f -> f.code().equals(Codes.ICMP_ERROR)), all.toString());
    }

    @Test
    void theResetsAndErrorsOfRejectRulesAreNotRefusals() throws IOException {
        Path reject = RecordedBundles.bundlesDir().resolve("reject-icmp-tcp");
        assertTrue(BundleLoader.loadDirectory(reject).sockets().isEmpty());
        assertEquals(List.of(), refusals(reject));
    }
}
