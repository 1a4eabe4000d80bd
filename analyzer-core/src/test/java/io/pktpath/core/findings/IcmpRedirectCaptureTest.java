package io.pktpath.core.findings;

import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.IcmpRedirect;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP datagrams from the uplink host 172.18.0.11 to 10.200.0.1, which the recorded loadbalancer-firewall node routes
 * back out eth0 (default via 172.18.0.1), as samples/recorder/checks/icmp-redirect.sh recorded the kernel with a nat
 * chain at output (case 6): the first datagram's redirect is dropped by nf_nat (its connection new, its source NAT not
 * done), the next one's, 100 ms later (past redirect_load 20 ms << 1), is sent (the connection confirmed, its NAT done
 * and null) and its frame is tied to the datagram that caused it; a third 10 ms later is rate-limited.
 */
class IcmpRedirectCaptureTest {
    private static final int ETH0 = 2;
    private static final int NODE = ip4(172, 18, 0, 2);
    private static final int CLIENT = ip4(172, 18, 0, 11);
    private static final int FAR = ip4(10, 200, 0, 1);
    private static final long T0 = 1_795_600_000_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    private static byte[] datagram(int id, int ttl) {
        return Frames.ipv4(CLIENT, FAR, 17, id, ttl, 0x4000, new byte[0], Frames.udp(40006, 9, new byte[32]));
    }

    private List<PacketTrace> replay(boolean withRedirectFrame) throws IOException {
        Path dir = SampleBundles.copy("loadbalancer-firewall", tmp.resolve(withRedirectFrame ? "with" : "without"));
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            w.write(T0, Frames.sll2(0x0800, ETH0, 0, Frames.MAC_A, datagram(101, 64)));
            w.write(T0 + 20_000, Frames.sll2(0x0800, ETH0, 4, Frames.MAC_B, datagram(101, 63)));
            w.write(T0 + 100 * MS, Frames.sll2(0x0800, ETH0, 0, Frames.MAC_A, datagram(102, 64)));
            if (withRedirectFrame) {
                byte[] quoted = datagram(102, 63);
                byte[] icmp = Frames.icmp(5, 1, ip4(172, 18, 0, 1), Arrays.copyOf(quoted, quoted.length));
                w.write(T0 + 100 * MS + 10_000, Frames.sll2(0x0800, ETH0, 4, Frames.MAC_B,
                        Frames.ipv4(NODE, CLIENT, 1, 7777, 64, 0, new byte[0], icmp)));
            }
            w.write(T0 + 100 * MS + 20_000, Frames.sll2(0x0800, ETH0, 4, Frames.MAC_B, datagram(102, 63)));
            w.write(T0 + 110 * MS, Frames.sll2(0x0800, ETH0, 0, Frames.MAC_A, datagram(103, 64)));
            w.write(T0 + 110 * MS + 20_000, Frames.sll2(0x0800, ETH0, 4, Frames.MAC_B, datagram(103, 63)));
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        return traces;
    }

    private static List<PacketTrace> ingress(List<PacketTrace> traces) {
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS).toList();
    }

    private static String check(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof CheckStep c && c.check().equals("icmp redirect"))
                .map(s -> ((CheckStep) s).detail()).findFirst().orElse("(no redirect check)");
    }

    @Test
    void aNewConnectionsRedirectIsDroppedByNatTheConfirmedOnesNextIsSentAndTiedToItsCause() throws IOException {
        List<PacketTrace> traces = replay(true);
        List<PacketTrace> in = ingress(traces);
        assertEquals(3, in.size(), traces.toString());
        IcmpRedirect first = in.get(0).redirect().orElseThrow(() -> new AssertionError(check(in.get(0))));
        assertTrue(first.dropped(), first.outcome());
        assertEquals("172.18.0.1", first.gateway().toString());
        assertEquals("172.18.0.2", first.source().toString());
        assertEquals(28 + 60, first.length());
        IcmpRedirect second = in.get(1).redirect().orElseThrow(() -> new AssertionError(check(in.get(1))));
        assertFalse(second.dropped(), second.outcome());
        assertTrue(in.get(2).redirect().isEmpty(), check(in.get(2)));
        assertTrue(check(in.get(2)).contains("rate-limited"), check(in.get(2)));
        PacketTrace sent = traces.stream().filter(t -> t.packet().frame() == 4).findFirst().orElseThrow();
        assertEquals(FrameRole.LOCAL_OUT, sent.role());
        assertEquals(io.pktpath.core.trace.Disposition.SENT, sent.disposition(), sent.reason());
        assertTrue(sent.notes().stream().anyMatch(n -> n.startsWith("the ICMP redirect the node sent for frame 3")),
                sent.notes().toString());
    }

    @Test
    void withoutItsFrameTheSentRedirectIsStillNamedOnItsCause() throws IOException {
        List<PacketTrace> in = ingress(replay(false));
        assertEquals(3, in.size());
        assertTrue(in.get(1).redirect().isPresent(), check(in.get(1)));
        assertTrue(check(in.get(1)).contains("it left on eth0"), check(in.get(1)));
    }
}
