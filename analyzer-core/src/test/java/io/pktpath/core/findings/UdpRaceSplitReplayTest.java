package io.pktpath.core.findings;

import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP insert race as the kernel resolves it (netfilter-semantics §8.1), on the recorded conntrack-race-udp node:
 * two queries from one socket 2 µs apart leave towards different endpoints, so the second was NEW too, went through nat
 * on its own and met the first's ct at confirmation; its endpoint's answer then finds the reply-only clash entry and
 * leaves with the service address, as the kernel traced it (bundle frames 28 and 33).
 */
class UdpRaceSplitReplayTest {
    private static final long T0 = 1_795_300_000_000_000_000L;
    private static final int CLIENT = ip4(10, 244, 1, 2);
    private static final int VIP = ip4(10, 96, 0, 50);
    private static final int DNS1 = ip4(10, 244, 1, 3);
    private static final int DNS2 = ip4(10, 244, 1, 4);
    /** Interface indexes of the recorded node: the client's, dns1's and dns2's veths. */
    private static final int CLIENT_IF = 3;
    private static final int DNS1_IF = 4;
    private static final int DNS2_IF = 5;
    private static final int IN = 0;
    private static final int OUT = 4;

    private static byte[] udp(int src, int sport, int dst, int dport) {
        return Frames.ipv4(src, dst, 17, Frames.udp(sport, dport, new byte[20]));
    }

    /**
     * A copy of the recorded node whose capture holds two queries from one socket 2 µs apart, the first leaving towards
     * dns2, the second towards {@code endpoint} (on {@code endpointIf}), that endpoint's answer and the answer leaving
     * to the client from the service address.
     */
    private static Path pairOnRecordedNode(Path tmp, int endpointIf, int endpoint) throws IOException {
        Path dir = SampleBundles.copy("conntrack-race-udp", tmp);
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            w.write(T0, Frames.sll2(0x0800, CLIENT_IF, IN, Frames.MAC_A, udp(CLIENT, 40000, VIP, 53)));
            w.write(T0 + 2_000, Frames.sll2(0x0800, CLIENT_IF, IN, Frames.MAC_A, udp(CLIENT, 40000, VIP, 53)));
            w.write(T0 + 60_000, Frames.sll2(0x0800, DNS2_IF, OUT, Frames.MAC_B, udp(CLIENT, 40000, DNS2, 5353)));
            w.write(T0 + 61_000, Frames.sll2(0x0800, endpointIf, OUT, Frames.MAC_B, udp(CLIENT, 40000, endpoint, 5353)));
            w.write(T0 + 300_000, Frames.sll2(0x0800, endpointIf, IN, Frames.MAC_A, udp(endpoint, 5353, CLIENT, 40000)));
            w.write(T0 + 301_000, Frames.sll2(0x0800, CLIENT_IF, OUT, Frames.MAC_B, udp(VIP, 53, CLIENT, 40000)));
        }
        return dir;
    }

    /** One analysis of the written bundle: every frame's trace, and the result with the findings. */
    private record Replayed(List<PacketTrace> traces, AnalysisResult result) {
    }

    private static Replayed replay(Path dir) throws IOException {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisResult r = Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        assertEquals(6, r.capture().orElseThrow().framesDelivered());
        return new Replayed(traces, r);
    }

    private static ConntrackStep conntrackStep(PacketTrace t) {
        return Optional.ofNullable(t.firstConntrackStep()).orElseThrow(() -> new AssertionError("no conntrack step: " + t));
    }

    @Test
    void secondDatagramRacesToItsOwnEndpointAndTheReplyFindsTheClashEntry(@TempDir Path tmp) throws IOException {
        Replayed replayed = replay(pairOnRecordedNode(tmp, DNS1_IF, DNS1));
        List<PacketTrace> traces = replayed.traces();

        PacketTrace second = traces.get(1);
        ConntrackStep ct = conntrackStep(second);
        assertEquals(CtState.NEW, ct.state(), second.toString());
        assertTrue(ct.created(), ct.toString());
        assertTrue(ct.detail().contains("was not confirmed yet, so this packet is NEW too"), ct.detail());
        assertEquals(Disposition.FORWARDED, second.disposition());
        assertEquals("10.244.1.3:5353", second.nat().orElseThrow().after().dst() + ":" + second.nat().get().after().dport());
        assertEquals(List.of(4L), second.correlated());
        assertEquals(3, second.alternatives().size(), "found the confirmed ct, or NEW to either endpoint");
        assertTrue(second.alternatives().get(0).choice().startsWith("conntrack PREROUTING: found the confirmed ct"),
                second.alternatives().get(0).choice());

        PacketTrace reply = traces.get(4);
        ConntrackStep replyCt = conntrackStep(reply);
        assertEquals(CtState.ESTABLISHED, replyCt.state(), reply.toString());
        assertTrue(replyCt.reply());
        assertEquals("10.96.0.50:53", reply.nat().orElseThrow().after().src() + ":" + reply.nat().get().after().sport());
        assertEquals(List.of(6L), reply.correlated());

        Finding f = SampleBundles.only(replayed.result(), Codes.RACE_UDP_INSERT);
        assertTrue(f.evidence().contains("1 pair(s) were sent to two different endpoints (the capture shows the second "
                + "datagram leaving towards the other endpoint)"), f.evidence().toString());
    }

    @Test
    void secondDatagramOnTheFirstOnesEndpointStaysOnItsCt(@TempDir Path tmp) throws IOException {
        List<PacketTrace> traces = replay(pairOnRecordedNode(tmp, DNS2_IF, DNS2)).traces();
        PacketTrace second = traces.get(1);
        // an unanswered UDP ct's packets are NEW either way; the capture cannot tell a same-endpoint race, so the
        // second datagram stays on the first one's ct (the branch first in rule order)
        ConntrackStep ct = conntrackStep(second);
        assertEquals(CtState.NEW, ct.state());
        assertTrue(!ct.created() && ct.detail().startsWith("flow #1 ORIGINAL"), ct.toString());
        assertEquals(List.of(4L), second.correlated());
        assertEquals(List.of(6L), traces.get(4).correlated());
    }
}
