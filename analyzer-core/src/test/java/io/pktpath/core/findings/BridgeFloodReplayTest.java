package io.pktpath.core.findings;

import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.TraceStep;
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
 * A multicast received on a bridge port with br_netfilter on, on the recorded cni-hostport-dual node (bridge cni0, ports
 * veth2567a5ec and veth0898b227, both in hairpin mode, bridge-nf-call-iptables=1): the port frame replays PREROUTING
 * once, then FORWARD and POSTROUTING for each port the capture shows a copy leaving, in the capture's order, and the route
 * lookup and INPUT for the bridge's own copy with no second PREROUTING (samples/recorder/checks/bridge-multicast-flood.sh);
 * the copies are claimed as that frame's.
 */
class BridgeFloodReplayTest {
    private static final int BRIDGE = 3;      // cni0
    private static final int WEB_PORT = 4;    // veth2567a5ec
    private static final int CLI_PORT = 5;    // veth0898b227
    private static final int IN_MULTICAST = 2;
    private static final int OUTGOING = 4;
    private static final long T0 = 1_795_600_000_000_000_000L;
    private static final int ALL_HOSTS = ip4(224, 0, 0, 1);
    private static final int ALL_ROUTERS = ip4(224, 0, 0, 2);

    @TempDir
    Path tmp;

    /**
     * The traces of one datagram from web to {@code group} as the capture shows it ({@code frames}: ifindex and packet
     * type of each frame), on the node whose filter FORWARD chain also holds {@code forwardRule} (null: none).
     */
    private List<PacketTrace> replay(String name, int group, String forwardRule, int[][] frames) throws IOException {
        Path dir = SampleBundles.copy("cni-hostport-dual", tmp.resolve(name));
        if (forwardRule != null) {
            Path rules = dir.resolve("iptables-save.txt");
            Files.writeString(rules, Files.readString(rules).replace(":FORWARD ACCEPT [0:0]\n",
                    ":FORWARD ACCEPT [0:0]\n" + forwardRule + "\n"));
        }
        byte[] ip = Frames.ipv4(ip4(10, 244, 1, 2), group, 17, 0x2345, 1, 0x4000, new byte[0],
                Frames.udp(40000, 5001, "flood".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            for (int i = 0; i < frames.length; i++) {
                w.write(T0 + i * 5_000L, Frames.sll2(0x0800, frames[i][0], frames[i][1], Frames.MAC_A, ip));
            }
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        assertEquals(frames.length, traces.size());
        return traces;
    }

    private static List<Hook> hooks(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof HookStep).map(TraceStep::hook).toList();
    }

    private static List<String> floodedPorts(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RouteStep r && r.lookup().equals("bridge flood"))
                .map(s -> ((RouteStep) s).decision().dev()).toList();
    }

    @Test
    void theWholeFloodIsOnePassFromThePortFrame() throws IOException {
        // the kernel's order: the flooded copies (port list order), then the copy the bridge hands to its IP stack
        List<PacketTrace> t = replay("all", ALL_ROUTERS, null, new int[][] {{WEB_PORT, IN_MULTICAST}, {CLI_PORT, OUTGOING},
                {WEB_PORT, OUTGOING}, {BRIDGE, IN_MULTICAST}});
        PacketTrace port = t.get(0);
        assertEquals(FrameRole.INGRESS, port.role());
        // PREROUTING once; FORWARD and POSTROUTING per copy; 224.0.0.2 is no group of cni0's (no multicast routing):
        // no INPUT (the check counted 0 there for a group cni0 had not joined)
        assertEquals(List.of(Hook.PREROUTING, Hook.FORWARD, Hook.POSTROUTING, Hook.FORWARD, Hook.POSTROUTING),
                hooks(port));
        assertEquals(Disposition.NOT_JOINED, port.disposition(), port.reason());
        assertEquals(List.of("veth0898b227", "veth2567a5ec"), floodedPorts(port));
        assertEquals(List.of(2L, 3L, 4L), port.correlated());
        for (PacketTrace copy : t.subList(1, 3)) {
            assertEquals(FrameRole.EGRESS_COPY, copy.role());
            assertEquals(Disposition.FORWARDED, copy.disposition());
            assertEquals(List.of(1L), copy.correlated());
        }
        assertTrue(t.get(2).reason().contains("(hairpin)"), t.get(2).reason());
        PacketTrace local = t.get(3);
        assertEquals(FrameRole.EGRESS_COPY, local.role());
        assertEquals(Disposition.NOT_JOINED, local.disposition());
        assertTrue(local.reason().contains("handed to its own IP stack"), local.reason());
    }

    @Test
    void aPortTheCaptureLacksIsFloodedTooAfterThoseItShows() throws IOException {
        // web's port alone: the datagram in and its hairpin copy out; cli's port is up in ip link
        List<PacketTrace> t = replay("web", ALL_ROUTERS, null, new int[][] {{WEB_PORT, IN_MULTICAST}, {WEB_PORT, OUTGOING}});
        PacketTrace port = t.get(0);
        assertEquals(List.of("veth2567a5ec", "veth0898b227"), floodedPorts(port));
        assertEquals(List.of(2L), port.correlated());
        assertTrue(port.notes().stream().anyMatch(n -> n.startsWith("the capture shows no copy leaving veth0898b227")),
                port.notes().toString());
        assertEquals(Disposition.FORWARDED, t.get(1).disposition());
    }

    @Test
    void aCopyForwardDropsEndsThatCopyOnly() throws IOException {
        List<PacketTrace> t = replay("drop", ALL_HOSTS, "-A FORWARD -d 224.0.0.1/32 -m physdev --physdev-out veth0898b227 -j DROP",
                new int[][] {{WEB_PORT, IN_MULTICAST}, {WEB_PORT, OUTGOING}, {BRIDGE, IN_MULTICAST}});
        PacketTrace port = t.get(0);
        assertEquals(List.of("veth2567a5ec", "veth0898b227"), floodedPorts(port));
        // the hairpin copy passed FORWARD and POSTROUTING, cli's was dropped in FORWARD, the local copy (all hosts)
        // went on to INPUT
        assertEquals(List.of(Hook.PREROUTING, Hook.FORWARD, Hook.POSTROUTING, Hook.FORWARD, Hook.INPUT), hooks(port));
        assertTrue(port.notes().stream().anyMatch(n -> n.startsWith("the copy flooded to port veth0898b227 ended: DROPPED")),
                port.notes().toString());
        assertEquals(Disposition.DELIVERED_LOCALLY, port.disposition(), port.reason());
        assertEquals(Disposition.FORWARDED, t.get(1).disposition());
        assertEquals(Disposition.DELIVERED_LOCALLY, t.get(2).disposition());
    }
}
