package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
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

    /**
     * Frames 28 and 29, sent by the node to itself over lo: the input pass keeps the entry and state the packet was sent
     * with (the kernel's nf_conntrack_in returns early): same flow, same direction, no new entry and no nat chain.
     */
    @Test
    void packetLoopedOverLoKeepsItsEntryAndSkipsNat() throws IOException {
        List<PacketTrace> traces = traces();
        for (long frame : new long[] {28, 29}) {
            PacketTrace t = frame(traces, frame);
            assertEquals(Disposition.DELIVERED_LOCALLY, t.disposition(), t.toString());
            List<ConntrackStep> cts = t.path().stream().filter(ConntrackStep.class::isInstance)
                    .map(ConntrackStep.class::cast).toList();
            assertEquals(2, cts.size(), cts.toString());
            ConntrackStep sent = cts.get(0);
            ConntrackStep received = cts.get(1);
            assertEquals(Hook.PREROUTING, received.hook());
            assertFalse(received.created(), received.toString());
            assertEquals(sent.flowId(), received.flowId(), received.toString());
            assertEquals(sent.reply(), received.reply(), received.toString());
            assertEquals(sent.state(), received.state(), received.toString());
            int from = t.path().indexOf(received);
            assertTrue(t.path().subList(from, t.path().size()).stream().noneMatch(RedirectProxyReplayTest::inNat),
                    t.path().toString());
        }
    }

    private static boolean inNat(Object step) {
        return step instanceof RuleStep r && r.rule().table().equals("nat")
                || step instanceof PolicyStep p && p.table().equals("nat");
    }

    /**
     * Frame 4, the proxy's SYN-ACK from 169.254.1.1:15001 leaving on the pod's cali as 172.18.0.1:80 (POSTROUTING undid
     * the REDIRECT): its connection says the node sent it, so it is replayed as sent, not rebuilt as arrived on lo.
     */
    @Test
    void replyOfTheRedirectedConnectionIsSentByTheNode() throws IOException {
        PacketTrace t = frame(traces(), 4);
        assertEquals(FrameRole.LOCAL_OUT, t.role(), t.toString());
        assertEquals(Disposition.SENT, t.disposition(), t.toString());
        assertEquals("169.254.1.1", t.nat().orElseThrow().before().src().toString(), t.toString());
    }
}
