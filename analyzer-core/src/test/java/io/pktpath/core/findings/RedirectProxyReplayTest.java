package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The redirect-proxy recording: packets the node's proxy sends keep the connection their tuple belongs to. */
class RedirectProxyReplayTest {

    private static List<PacketTrace> traces() throws IOException {
        Path dir = SampleBundles.sample("redirect-proxy");
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        return traces;
    }

    private static PacketTrace frame(List<PacketTrace> traces, long frame) {
        return traces.stream().filter(t -> t.packet().frame() == frame).findFirst()
                .orElseThrow(() -> new AssertionError("no trace of frame " + frame));
    }

    /**
     * Frame 31, an ACK the proxy (127.0.0.1:15002 before nat OUTPUT's REDIRECT was undone) sends in the reply
     * direction: its socket tuple comes from the connection holding its tuple, not from a state-checked lookup of the
     * inverted packet (which looks INVALID and left the packet a new flow of its own).
     */
    @Test
    void replyDirectionAckOfTheNodeFindsItsConnection() throws IOException {
        PacketTrace t = frame(traces(), 31);
        ConntrackStep ct = t.firstConntrackStep();
        assertFalse(ct.created(), ct.toString());
        assertTrue(ct.reply(), ct.toString());
        assertEquals(CtState.ESTABLISHED, ct.state(), ct.toString());
    }
}
