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
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
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
 * ip_forward's MTU check, replayed through recorded nodes with small captures: on icmp-related-nat (eth0 MTU 1280,
 * pod 10.244.1.2 behind cali62608e08adc, MTU 1500) a DF datagram longer than eth0's MTU dies before FORWARD and the
 * node's frag-needed error is RELATED; one without DF, and a GRO aggregate longer than its ingress MTU, go on; a route's
 * mtu sets the limit; on ipv6-dnat-masq, with eth0 at 1280, IPv6 is too big without any DF.
 */
class ForwardMtuReplayTest {
    private static final int ETH0 = 2;
    private static final int CALI = 3;
    private static final int POD = ip4(10, 244, 1, 2);
    private static final int NODE = ip4(172, 18, 0, 2);
    private static final int UPLINK = ip4(172, 18, 0, 1);
    private static final int PEER = ip4(10, 70, 0, 1);
    private static final int DF = 0x4000;
    private static final long T0 = 1_795_300_000_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long POD6_HI = 0xfd00_0010_0244_0001L;
    private static final long UPLINK6_HI = 0xfd00_0018_0000_0000L;

    @TempDir
    Path tmp;

    private record Frame(int ifindex, boolean out, int ethertype, byte[] ip) {
    }

    private static Frame in(int ifindex, byte[] ip) {
        return new Frame(ifindex, false, ip[0] >> 4 == 6 ? 0x86dd : 0x0800, ip);
    }

    private static Frame out(int ifindex, byte[] ip) {
        return new Frame(ifindex, true, ip[0] >> 4 == 6 ? 0x86dd : 0x0800, ip);
    }

    /** A UDP datagram of {@code length} bytes (IP header included) with the given flags word (DF or 0). */
    private static byte[] udp(int src, int dst, int sport, int dport, int length, int fragField) {
        return Frames.ipv4(src, dst, 17, 0x2a00 + sport % 256, 64, fragField, new byte[0],
                Frames.udp(sport, dport, Frames.bytes(length - 28)));
    }

    private static byte[] tcp(int src, int dst, int sport, int dport, int length) {
        return Frames.ipv4(src, dst, 6, 0x3b00 + sport % 256, 64, DF, new byte[0],
                Frames.tcp(sport, dport, 1000, 2000, 0x10, 502, -1, Frames.bytes(length - 40)));
    }

    /** The node's ICMP frag needed (3/4, next-hop MTU {@code mtu}) to {@code to}, quoting {@code dropped}'s first 28 bytes. */
    private static byte[] fragNeeded(int from, int to, int mtu, byte[] dropped) {
        return Frames.ipv4(from, to, 1, 0x4c00, 64, 0, new byte[0],
                Frames.icmp(3, 4, mtu, Arrays.copyOf(dropped, 28)));
    }

    private List<PacketTrace> replay(Path dir, List<Frame> frames) throws IOException {
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            long at = T0;
            for (Frame f : frames) {
                w.write(at, Frames.sll2(f.ethertype(), f.ifindex(), f.out() ? 4 : 0, Frames.MAC_A, f.ip()));
                at += MS;
            }
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        assertEquals(frames.size(), traces.size());
        return traces;
    }

    private Path icmpRelatedNat() throws IOException {
        return SampleBundles.copy("icmp-related-nat", tmp);
    }

    @Test
    void dfDatagramLongerThanTheEgressMtuDiesBeforeForwardAndItsFragNeededIsRelated() throws IOException {
        byte[] big = udp(POD, UPLINK, 42001, 5300, 1428, DF);
        List<PacketTrace> t = replay(icmpRelatedNat(), List.of(in(CALI, big), out(CALI, fragNeeded(NODE, POD, 1280, big))));
        PacketTrace dropped = t.get(0);
        assertEquals(Disposition.MTU_EXCEEDED, dropped.disposition());
        assertEquals("1428 bytes with DF set exceed eth0's MTU 1280: the kernel does not forward it (no FORWARD hook)"
                + " and answers ICMP frag needed (mtu 1280)", dropped.reason());
        assertTrue(dropped.path().contains(new CheckStep(null, "mtu", false,
                "longer than eth0's MTU 1280 with DF set: ICMP frag needed (mtu 1280)")), dropped.path().toString());
        assertFalse(dropped.path().stream().anyMatch(s -> s instanceof HookStep h && h.hook() == Hook.FORWARD));
        PacketTrace error = t.get(1);
        assertEquals(Disposition.SENT, error.disposition());
        assertEquals(List.of(CtState.RELATED), states(error));
    }

    @Test
    void withoutDfTheDatagramIsForwardedToBeFragmented() throws IOException {
        List<PacketTrace> t = replay(icmpRelatedNat(), List.of(in(CALI, udp(POD, UPLINK, 42002, 5300, 1428, 0))));
        assertEquals(Disposition.FORWARDED, t.get(0).disposition(), t.get(0).reason());
    }

    @Test
    void tcpAggregateLongerThanItsIngressMtuIsNotCheckedButASegmentThatFitsItIs() throws IOException {
        List<PacketTrace> t = replay(icmpRelatedNat(), List.of(in(CALI, tcp(POD, UPLINK, 42003, 8080, 2948)),
                in(CALI, tcp(POD, UPLINK, 42004, 8080, 1428))));
        assertEquals(Disposition.FORWARDED, t.get(0).disposition(), t.get(0).reason());
        assertEquals(Disposition.MTU_EXCEEDED, t.get(1).disposition(), t.get(1).reason());
    }

    @Test
    void theRoutesMtuSetsTheLimitForIpv4EvenUnlocked() throws IOException {
        Path dir = icmpRelatedNat();
        SampleBundles.replaceInFiles(dir, "ip-route.txt", "default via 172.18.0.1 dev eth0 ",
                "default via 172.18.0.1 dev eth0 mtu 1400 ");
        List<PacketTrace> t = replay(dir, List.of(in(CALI, udp(POD, PEER, 42005, 5301, 1400, DF)),
                in(CALI, udp(POD, PEER, 42006, 5301, 1428, DF))));
        assertEquals(Disposition.FORWARDED, t.get(0).disposition(), t.get(0).reason());
        assertEquals(Disposition.MTU_EXCEEDED, t.get(1).disposition());
        assertEquals("1428 bytes with DF set exceed the MTU 1400 of the route out eth0: the kernel does not forward it"
                + " (no FORWARD hook) and answers ICMP frag needed (mtu 1400)", t.get(1).reason());
    }

    @Test
    void ipv6IsTooBigWithoutDfAndItsPacketTooBigIsRelated() throws IOException {
        Path dir = SampleBundles.copy("ipv6-dnat-masq", tmp);
        SampleBundles.replaceInFiles(dir, "ip-*.txt", "eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500",
                "eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1280");
        byte[] big = Frames.ipv6(POD6_HI, 2, UPLINK6_HI, 1, 17, 64, new byte[0],
                Frames.udp(42007, 9000, Frames.bytes(1392)));
        byte[] tooBig = Frames.ipv6(UPLINK6_HI, 2, POD6_HI, 2, 58, 64, new byte[0],
                Frames.icmp(2, 0, 1280, Arrays.copyOf(big, 48)));
        List<PacketTrace> t = replay(dir, List.of(in(CALI, big), out(CALI, tooBig)));
        assertEquals(Disposition.MTU_EXCEEDED, t.get(0).disposition());
        assertEquals("1440 bytes exceed eth0's MTU 1280: the kernel does not forward it (no FORWARD hook) and answers"
                + " ICMPv6 packet too big (mtu 1280)", t.get(0).reason());
        assertEquals(Disposition.SENT, t.get(1).disposition(), t.get(1).reason());
        assertEquals(List.of(CtState.RELATED), states(t.get(1)));
    }

    /**
     * A packet of an established flow whose path after the lookup was remembered (SteadyPaths) still meets ip_forward's
     * checks, which read its own TTL and length, and a drop by them is not remembered for the packets after it.
     */
    @Test
    void establishedFlowsStillMeetTheTtlAndMtuChecks() throws IOException {
        byte[] small = udp(POD, PEER, 42008, 5301, 60, DF);
        byte[] reply = udp(PEER, POD, 5301, 42008, 60, DF);
        byte[] big = udp(POD, PEER, 42008, 5301, 1428, DF);
        byte[] expiring = Frames.ipv4(POD, PEER, 17, 0x2a77, 1, DF, new byte[0], Frames.udp(42008, 5301, new byte[32]));
        List<PacketTrace> t = replay(icmpRelatedNat(), List.of(in(CALI, small), in(ETH0, reply), in(CALI, small),
                in(CALI, big), in(CALI, expiring), in(CALI, small)));
        assertEquals(List.of(Disposition.FORWARDED, Disposition.FORWARDED, Disposition.FORWARDED,
                Disposition.MTU_EXCEEDED, Disposition.TTL_EXCEEDED, Disposition.FORWARDED),
                t.stream().map(PacketTrace::disposition).toList());
    }

    private static List<CtState> states(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof ConntrackStep).map(s -> ((ConntrackStep) s).state()).toList();
    }
}
