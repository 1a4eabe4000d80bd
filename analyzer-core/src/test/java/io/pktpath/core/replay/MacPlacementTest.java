package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
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
 * A plain Ethernet pcap of one interface records neither the interface nor the direction: the node's MAC addresses
 * (from the recorded {@code ip link} of samples/bundles/nodeport-external) decide both.
 */
class MacPlacementTest {
    private static final long NODE_ETH0 = 0xea53c2908fd6L;
    private static final long UPLINK = 0x0200000000aaL;

    static Path bundleDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("samples").resolve("bundles"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("/nonexistent") : dir.resolve("samples/bundles/nodeport-external");
    }

    @Test
    void aFrameToTheNodesMacIsReceivedOnThatInterfaceAndOneFromItIsSent(@TempDir Path tmp) throws Exception {
        Path recorded = bundleDir();
        assumeTrue(Files.isDirectory(recorded), "samples/bundles/nodeport-external not present");
        try (Stream<Path> files = Files.list(recorded)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().endsWith(".pcap")).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        int client = Frames.ip4(172, 18, 0, 1);
        int node = Frames.ip4(172, 18, 0, 2);
        byte[] syn = Frames.ethernet(NODE_ETH0, UPLINK, 0x0800,
                Frames.ipv4(client, node, 6, Frames.tcp(41000, 30080, 1000, 0, 0x02, 64240, 1460, new byte[0])));
        byte[] fromNode = Frames.ethernet(UPLINK, NODE_ETH0, 0x0800,
                Frames.ipv4(node, client, 1, Frames.icmp(8, 0, (7 << 16) | 1, new byte[8])));
        try (OutputStream out = Files.newOutputStream(tmp.resolve("eth0.pcap"));
             PcapWriter w = CaptureWriter.pcap(out, 1, false, false, 65535)) {
            w.write(1_000_000_000L, syn);
            w.write(2_000_000_000L, fromNode);
        }
        Bundle bundle = BundleLoader.loadDirectory(tmp);
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);

        assertEquals(2, traces.size());
        PacketTrace in = traces.get(0);
        assertEquals("eth0", in.packet().iface());
        assertEquals("in", in.packet().dir());
        assertEquals(FrameRole.INGRESS, in.role());
        assertTrue(in.nat().isPresent(), "the NodePort SYN is DNATed: " + in.reason());
        PacketTrace out = traces.get(1);
        assertEquals("eth0", out.packet().iface());
        assertEquals("out", out.packet().dir());
        assertEquals(FrameRole.LOCAL_OUT, out.role());
        assertEquals(Disposition.SENT, out.disposition(), out.reason());
    }
}
