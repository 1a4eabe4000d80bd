package io.pktpath.core.findings;

import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
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
 * A SYN with TTL 1 to the host's published port on the recorded docker-nftables-hairpin node: from cli, on web's bridge,
 * br_netfilter bridges it after the DNAT and ip_forward's TTL check never runs (samples/recorder/checks/
 * bridged-dnat-ttl.sh: the SYN reaches the other port with TTL 1, no ICMP time exceeded); from app, on the other
 * network's bridge, it is routed and ip_forward drops it.
 */
class BridgedDnatTtlReplayTest {
    private static final int CLI_PORT = 6;   // veth0898b227
    private static final int APP_PORT = 7;   // vethd2a57dc1
    private static final int NODE = ip4(172, 18, 0, 2);
    private static final long T0 = 1_795_600_000_000_000_000L;

    @TempDir
    Path tmp;

    private PacketTrace syn(int ifindex, int src, int sport) throws IOException {
        Path dir = SampleBundles.copy("docker-nftables-hairpin", tmp.resolve("s" + sport));
        byte[] ip = Frames.ipv4(src, NODE, 6, 0x5151, 1, 0x4000, new byte[0],
                Frames.tcp(sport, 8080, 1000, 0, 0x02, 64240, 1460, new byte[0]));
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            w.write(T0, Frames.sll2(0x0800, ifindex, 0, Frames.MAC_A, ip));
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        assertEquals(1, traces.size());
        return traces.get(0);
    }

    @Test
    void aBridgedDnatIsNotDroppedForItsTtlButARoutedOneIs() throws IOException {
        PacketTrace bridged = syn(CLI_PORT, ip4(172, 17, 0, 3), 45001);
        assertEquals(Disposition.FORWARDED, bridged.disposition(), bridged.reason());
        assertEquals("172.17.0.2", bridged.nat().orElseThrow().after().dst().toString());
        PacketTrace routed = syn(APP_PORT, ip4(172, 19, 0, 2), 45002);
        assertEquals(Disposition.TTL_EXCEEDED, routed.disposition(), routed.reason());
    }
}
