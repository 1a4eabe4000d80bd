package io.pktpath.core.replay;

import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames on the recorded cni-hostport node (CNI bridge cni0, br_netfilter, the portmap plugin's hostPort 8080 of pod web):
 * a bridged DNAT whose new destination's neighbour entry is not connected is handed to the neighbour's output on the
 * bridge device (br_nf_pre_routing_finish_bridge), so the capture holds it on cni0 between PREROUTING and POSTROUTING
 * before it leaves on a port (the recording's frames of web's answers to cli); and a multicast the node sends on cni0 is
 * flooded to every port.
 */
class BridgedDnatNeighbourOutputTest {
    private static final int CNI0 = 3;
    private static final int WEB_PORT = 4;   // veth2567a5ec
    private static final int CLI_PORT = 5;   // veth0898b227
    private static final int IN = 0;
    private static final int OUT = 4;
    private static final long T0 = 1_795_700_000_000_000_000L;
    private static final int CLI = ip4(10, 244, 1, 3);
    private static final int WEB = ip4(10, 244, 1, 2);
    private static final int GW = ip4(10, 244, 1, 1);
    private static final int NODE = ip4(172, 18, 0, 2);

    @TempDir
    Path tmp;

    private record Sent(int ifindex, int packetType, byte[] ip) {
    }

    private static byte[] syn(int src, int dst, int dport) {
        return Frames.ipv4(src, dst, 6, 0x4242, 64, 0x4000, new byte[0],
                Frames.tcp(45041, dport, 1000, 0, 0x02, 64240, 1460, new byte[0]));
    }

    private List<PacketTrace> replay(List<Sent> frames) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "cni-hostport");
        try (Stream<Path> files = Files.list(SampleBundles.sample("cni-hostport"))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().equals("capture.pcap")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            long t = T0;
            for (Sent s : frames) {
                w.write(t, Frames.sll2(0x0800, s.ifindex(), s.packetType(), Frames.MAC_A, s.ip()));
                t += 5_000;
            }
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        assertEquals(frames.size(), traces.size());
        return traces;
    }

    @Test
    void theBridgeDevicesCopyOfABridgedDnatIsThePacketBeforePostrouting() throws IOException {
        List<PacketTrace> t = replay(List.of(new Sent(CLI_PORT, IN, syn(CLI, NODE, 8080)),
                new Sent(CNI0, OUT, syn(CLI, WEB, 80)), new Sent(WEB_PORT, OUT, syn(GW, WEB, 80))));
        PacketTrace in = t.get(0);
        assertEquals(Disposition.FORWARDED, in.disposition(), in.reason());
        assertEquals("10.244.1.1:45041 -> 10.244.1.2:80", in.nat().orElseThrow().after().toString());
        assertEquals(List.of(3L, 2L), in.correlated(), "the port frame leaves, the bridge's frame is a copy");
        PacketTrace onBridge = t.get(1);
        assertEquals(FrameRole.EGRESS_COPY, onBridge.role(), onBridge.reason());
        assertTrue(onBridge.reason().contains("br_nf_pre_routing_finish_bridge")
                && onBridge.reason().contains("frame 3 is the packet leaving"), onBridge.reason());
        assertEquals(FrameRole.EGRESS_COPY, t.get(2).role());
    }

    @Test
    void withoutTheBridgeDevicesCopyOnlyThePortFrameIsTied() throws IOException {
        List<PacketTrace> t = replay(List.of(new Sent(CLI_PORT, IN, syn(CLI, NODE, 8080)),
                new Sent(WEB_PORT, OUT, syn(GW, WEB, 80))));
        assertEquals(List.of(2L), t.get(0).correlated());
    }

    @Test
    void aFrameOnTheBridgeWithTheFinalHeaderIsNotTakenForThePacketBeforePostrouting() throws IOException {
        // cni0's frame already carries the masquerade: not the header PREROUTING left
        List<PacketTrace> t = replay(List.of(new Sent(CLI_PORT, IN, syn(CLI, NODE, 8080)),
                new Sent(CNI0, OUT, syn(GW, NODE, 8080)), new Sent(WEB_PORT, OUT, syn(GW, WEB, 80))));
        assertEquals(List.of(3L), t.get(0).correlated());
        assertTrue(t.get(1).role() != FrameRole.EGRESS_COPY, t.get(1).reason());
    }

    @Test
    void aMulticastTheNodeSendsOnTheBridgeIsFloodedToEveryPort() throws IOException {
        byte[] mdns = Frames.ipv4(GW, ip4(224, 0, 0, 251), 17, 0x5151, 255, 0x4000, new byte[0],
                Frames.udp(5353, 5353, new byte[12]));
        List<PacketTrace> t = replay(List.of(new Sent(CNI0, OUT, mdns), new Sent(CLI_PORT, OUT, mdns),
                new Sent(WEB_PORT, OUT, mdns)));
        assertEquals(FrameRole.LOCAL_OUT, t.get(0).role());
        assertEquals(List.of(2L, 3L), t.get(0).correlated());
        assertEquals(FrameRole.EGRESS_COPY, t.get(1).role());
        assertEquals(FrameRole.EGRESS_COPY, t.get(2).role());
    }

    @Test
    void aUnicastTheNodeSendsOnTheBridgeLeavesOnOnePort() throws IOException {
        byte[] toWeb = Frames.ipv4(GW, WEB, 17, 0x5152, 64, 0x4000, new byte[0], Frames.udp(5353, 53, new byte[12]));
        List<PacketTrace> t = replay(List.of(new Sent(CNI0, OUT, toWeb), new Sent(WEB_PORT, OUT, toWeb),
                new Sent(CLI_PORT, OUT, toWeb)));
        assertEquals(List.of(2L), t.get(0).correlated());
    }
}
