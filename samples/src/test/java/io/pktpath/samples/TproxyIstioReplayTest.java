package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.netfilter.ClosedPort;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/tproxy-istio replayed: Istio's TPROXY hands the first SYN to the transparent listener (mark 0x539, no NAT,
 * delivered through table 133's local default route), the proxy's answers leave from the original destination, and the
 * later packets match {@code -m socket} and go through ISTIO_DIVERT, as the kernel's trace shows; the SYNs TPROXYed to
 * 127.0.0.1:15007, where ss lists no listener, are dropped.
 */
class TproxyIstioReplayTest {
    private static List<PacketTrace> replay() throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve("tproxy-istio");
        Bundle bundle = BundleLoader.loadDirectory(dir);
        return CaptureReplays.replay(bundle, dir.resolve("capture.pcap"));
    }

    private static List<String> rules(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep).map(s -> (RuleStep) s)
                .map(r -> r.rule().chain() + " " + r.verdict() + " " + r.effects()).toList();
    }

    private static PacketTrace frame(List<PacketTrace> traces, String info) {
        return traces.stream().filter(t -> t.packet().info().contains(info)).findFirst().orElseThrow(() -> new AssertionError(info));
    }

    @Test
    void theFirstSynIsTproxiedAndDeliveredThroughTheMarkRoute() throws IOException {
        PacketTrace syn = frame(replay(), "172.18.0.1:46001 > 10.50.0.20:8080 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition());
        assertTrue(syn.nat().isEmpty());
        assertTrue(rules(syn).contains("ISTIO_TPROXY ACCEPT [socket 0.0.0.0:15006 (ss), mark 0x0 -> 0x539]"),
                rules(syn).toString());
        assertTrue(syn.route().orElseThrow().toString().contains("table 133"), syn.route().toString());
        assertTrue(syn.notes().contains("TPROXY: tcp listener 0.0.0.0:15006 (ss) takes the packet for 172.18.0.2:15006;"
                + " it is assumed transparent (ss does not show IP_TRANSPARENT)"), syn.notes().toString());
        assertTrue(syn.path().stream().anyMatch(s -> s instanceof CheckStep c && c.check().equals(ClosedPort.SOCKET_CHECK)
                && c.passed()), "the path holds the passed socket check of TPROXY's socket: " + syn.path());
    }

    @Test
    void theSynToAPortWithoutListenerIsDroppedByTproxyAsTheKernelDid() throws IOException {
        List<PacketTrace> syns = replay().stream().filter(t -> t.packet().info().contains("> 10.50.0.20:9000 [S]")).toList();
        assertEquals(2, syns.size());
        for (PacketTrace syn : syns) {
            assertEquals(Disposition.DROPPED_BY_RULE, syn.disposition(), syn.toString());
            assertTrue(rules(syn).contains("ISTIO_INBOUND DROP [no socket listens on 127.0.0.1:15007 (ss)]"),
                    rules(syn).toString());
            assertTrue(syn.notes().contains("no socket listens on 127.0.0.1:15007 (ss): TPROXY drops the packet"),
                    syn.notes().toString());
        }
    }

    @Test
    void withoutTheSocketTableTheListenerIsAssumedAsBefore(@TempDir Path tmp) throws IOException {
        Path dir = RecordedBundles.bundlesDir().resolve("tproxy-istio");
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("ss-")).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(tmp), tmp.resolve("capture.pcap"));
        PacketTrace syn = frame(traces, "> 10.50.0.20:9000 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition());
        assertTrue(syn.notes().contains("TPROXY: a transparent listener on 127.0.0.1:15007 is assumed (sockets are not in the"
                + " bundle)"), syn.notes().toString());
    }

    @Test
    void theProxysAnswerIsSentAndTheLaterPacketsAreDiverted() throws IOException {
        List<PacketTrace> traces = replay();
        PacketTrace synAck = frame(traces, "10.50.0.20:8080 > 172.18.0.1:46001 [S.]");
        assertEquals(FrameRole.LOCAL_OUT, synAck.role());
        assertEquals(Disposition.SENT, synAck.disposition());
        PacketTrace fin = frame(traces, "172.18.0.1:46001 > 10.50.0.20:8080 [F.]");
        assertEquals(Disposition.DELIVERED_LOCALLY, fin.disposition());
        assertTrue(rules(fin).containsAll(List.of("ISTIO_INBOUND JUMP:ISTIO_DIVERT []", "ISTIO_DIVERT CONTINUE [mark 0x0 -> 0x539]",
                "ISTIO_DIVERT ACCEPT []")), rules(fin).toString());
    }

    @Test
    void theExcludedPortReturnsAndIsNotMarked() throws IOException {
        PacketTrace syn = frame(replay(), "172.18.0.1:46004 > 172.18.0.2:15021 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition());
        assertTrue(rules(syn).contains("ISTIO_INBOUND RETURN []"), rules(syn).toString());
        assertTrue(syn.route().orElseThrow().toString().contains("table local"), syn.route().toString());
    }
}
