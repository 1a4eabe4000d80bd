package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nf_defrag in the replay, held to samples/bundles/ip-fragments (the kernel's recording: fragments held, each datagram
 * traced once whole, NATed and fragmented again on the way out, an incomplete datagram dropped after ipfrag_time) and to
 * captures generated on that node (fragments out of order, a capture that ends first, overlaps, a node without conntrack).
 */
class ReassemblyTest {
    private static final int POD = Frames.ip4(10, 244, 1, 2);
    private static final int NODE = Frames.ip4(172, 18, 0, 2);
    private static final int UPLINK = Frames.ip4(172, 18, 0, 1);
    private static final int ETH0 = 2;
    private static final int POD_VETH = 3;
    private static final int IN = 0;
    private static final int OUT = 4;

    static Path bundle() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("samples").resolve("bundles"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("/nonexistent") : dir.resolve("samples/bundles/ip-fragments");
    }

    private static List<PacketTrace> analyze(Path dir) throws IOException {
        List<PacketTrace> traces = new ArrayList<>();
        findings = Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false).findings();
        return traces;
    }

    /** The findings of the last {@link #analyze}. */
    private static List<io.pktpath.core.findings.Finding> findings = List.of();

    private static PacketTrace only(List<PacketTrace> traces, Predicate<PacketTrace> test, String what) {
        List<PacketTrace> found = traces.stream().filter(test).toList();
        assertEquals(1, found.size(), what + ": " + found);
        return found.get(0);
    }

    private static PacketTrace frame(List<PacketTrace> traces, long frame) {
        return traces.get((int) frame - 1);
    }

    private static CtState state(PacketTrace t) {
        ConntrackStep ct = t.firstConntrackStep();
        return ct == null ? null : ct.state();
    }

    @Test
    void recordedDatagramsAreHeldReplayedOnceWholeAndLeaveAsNatedFragments() throws IOException {
        Path dir = bundle();
        assumeTrue(Files.isDirectory(dir), "samples/bundles/ip-fragments not present");
        List<PacketTrace> traces = analyze(dir);

        for (PacketTrace t : traces) {
            assertFalse(state(t) == CtState.INVALID, "frame " + t.packet().frame() + " INVALID: " + t.reason());
        }
        // in order: the pod's first datagram to the ClusterIP, DNATed to web1
        PacketTrace dns = traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.datagram().sport() == 43001
                && t.datagram().dport() == 53).findFirst().orElseThrow();
        assertEquals(3028, dns.datagram().length());
        assertEquals(Disposition.FORWARDED, dns.disposition(), dns.reason());
        assertEquals("10.244.1.3", dns.nat().orElseThrow().after().dst().toString());
        List<Long> held = dns.reassembled().get().fragments();
        assertEquals(3, held.size());
        assertEquals(dns.packet().frame(), held.get(held.size() - 1), "the last fragment completes an in-order datagram");
        for (long f : held.subList(0, 2)) {
            PacketTrace part = frame(traces, f);
            assertEquals(FrameRole.FRAGMENT, part.role());
            assertEquals(Disposition.HELD_FOR_REASSEMBLY, part.disposition(), part.reason());
            assertEquals(List.of(dns.packet().frame()), part.correlated());
            assertTrue(part.reason().contains("frame " + dns.packet().frame() + " completed it"), part.reason());
        }
        assertEquals(3, dns.correlated().size(), "the three fragments it left as");
        PacketTrace firstCopy = frame(traces, dns.correlated().get(0));
        assertEquals(FrameRole.EGRESS_COPY, firstCopy.role());
        assertEquals(5353, firstCopy.packet().dport());
        assertEquals(3028, firstCopy.datagram().length());

        // out of order: the first fragment arrives last and completes the datagram
        PacketTrace reversed = traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.datagram().sport() == 43021)
                .findFirst().orElseThrow();
        assertEquals(43021, reversed.packet().sport(), "the first fragment (with the ports) arrived last and completed it");
        assertEquals(4, reversed.reassembled().get().fragments().size());
        assertEquals(Disposition.FORWARDED, reversed.disposition(), reversed.reason());
        assertEquals(4, reversed.correlated().size());

        // masqueraded on eth0: the copies leave from the node's address, cut at the pod's 1396-byte fragments
        PacketTrace masq = traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.datagram().sport() == 43011)
                .findFirst().orElseThrow();
        assertTrue(masq.nat().orElseThrow().masquerade());
        for (long f : masq.correlated()) {
            PacketTrace copy = frame(traces, f);
            assertEquals(FrameRole.EGRESS_COPY, copy.role());
            assertEquals("172.18.0.2", copy.packet().src().orElseThrow().toString());
            assertEquals("eth0", copy.packet().iface());
        }

        // its answer came in as 1500-byte fragments and left to the pod (veth MTU 1400) cut again at other boundaries,
        // de-masqueraded: every copy is tied by the IP id, the first by its ports
        PacketTrace answer = traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.datagram().sport() == 5300
                && t.datagram().dport() == 43011).findFirst().orElseThrow();
        assertEquals(1500, answer.reassembled().get().largestFragment());
        assertEquals("10.244.1.2", answer.nat().orElseThrow().after().dst().toString());
        assertEquals(3, answer.correlated().size());
        for (long f : answer.correlated()) {
            PacketTrace copy = frame(traces, f);
            assertEquals(FrameRole.EGRESS_COPY, copy.role());
            assertTrue(copy.packet().length() <= 1400, "cut at the pod's MTU: " + copy.packet());
            assertEquals("10.244.1.2", copy.packet().dst().orElseThrow().toString());
        }

        // the node's own datagram: replayed whole at its first fragment, the others are its copies
        PacketTrace own = traces.stream().filter(t -> t.role() == FrameRole.LOCAL_OUT && t.datagram().sport() == 43041)
                .findFirst().orElseThrow();
        assertEquals(Disposition.SENT, own.disposition(), own.reason());
        assertEquals(3028, own.datagram().length());
        assertEquals(2, own.correlated().size());

        // the incomplete datagram: dropped after net.ipv4.ipfrag_time (5 s in this recording)
        PacketTrace lost = only(traces, t -> t.role() == FrameRole.FRAGMENT && t.disposition() == Disposition.REASSEMBLY_FAILED,
                "the datagram never completed");
        assertTrue(lost.reason().contains("net.ipv4.ipfrag_time 5 s"), lost.reason());
        assertEquals(List.of(List.of(lost.packet().frame())), findings.stream()
                .filter(f -> f.code().equals("FRAGMENTS_DROPPED")).map(io.pktpath.core.findings.Finding::frames).toList());
    }

    /** A copy of the recorded node without its capture, rules, trace and counters; {@code rules} as its iptables-save. */
    private static Path node(Path tmp, String rules) throws IOException {
        Path recorded = bundle();
        assumeTrue(Files.isDirectory(recorded), "samples/bundles/ip-fragments not present");
        Path dir = tmp.resolve("node");
        Files.createDirectories(dir);
        for (String f : List.of("ip-addr.txt", "ip-link.txt", "ip-route.txt", "ip-rule.txt", "ip-neigh.txt",
                "ip-j-addr.json", "ip-j-route.json", "sysctl.txt", "uname.txt")) {
            Files.copy(recorded.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("iptables-save.txt"), rules == null ? Files.readString(recorded.resolve("iptables-save.txt")) : rules);
        return dir;
    }

    /** One frame of a generated capture: time (ms), interface index, packet type (0 in, 4 out), IPv4 packet. */
    private record Frame(long millis, int ifindex, int type, byte[] ip) {
    }

    private static void capture(Path dir, Frame... frames) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(out, LinkType.LINUX_SLL2, false, true, 65535)) {
            for (Frame f : frames) {
                int ethertype = (f.ip()[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800;
                w.write(f.millis() * 1_000_000L, Frames.sll2(ethertype, f.ifindex(), f.type(), 0x02000000000aL, f.ip()));
            }
        }
    }

    /** The UDP datagram sport → dport of {@code size} data bytes, cut at the byte offsets {@code cuts} (multiples of 8). */
    private static byte[][] fragments(int src, int dst, int id, int sport, int dport, int size, int... cuts) {
        byte[] data = new byte[size];
        Arrays.fill(data, (byte) 'x');
        byte[] udp = Frames.udp(sport, dport, data);
        byte[][] out = new byte[cuts.length + 1][];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : udp.length;
            int field = (i < cuts.length ? 0x2000 : 0) | from / 8;
            out[i] = Frames.ipv4(src, dst, 17, id, 64, field, new byte[0], Arrays.copyOfRange(udp, from, to));
            from = to;
        }
        return out;
    }

    @Test
    void fragmentsOutOfOrderAreReassembledAtTheLastToArriveAndTheirMasqueradedCopiesTied(@TempDir Path tmp)
            throws IOException {
        Path dir = node(tmp, null);
        byte[][] in = fragments(POD, UPLINK, 777, 45000, 5300, 2000, 1200);
        byte[][] out = fragments(NODE, UPLINK, 777, 45000, 5300, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[1]), new Frame(30, POD_VETH, IN, in[0]),
                new Frame(31, ETH0, OUT, out[0]), new Frame(31, ETH0, OUT, out[1]));
        List<PacketTrace> traces = analyze(dir);

        assertEquals(FrameRole.FRAGMENT, traces.get(0).role());
        assertEquals(Disposition.HELD_FOR_REASSEMBLY, traces.get(0).disposition(), traces.get(0).reason());
        PacketTrace whole = traces.get(1);
        assertEquals(FrameRole.INGRESS, whole.role());
        assertEquals(Disposition.FORWARDED, whole.disposition(), whole.reason());
        assertEquals(20 + 8 + 2000, whole.datagram().length());
        assertEquals(List.of(1L, 2L), whole.reassembled().get().fragments());
        assertTrue(whole.nat().orElseThrow().masquerade(), "masqueraded to the node's address");
        assertEquals(List.of(3L, 4L), whole.correlated());
        assertEquals(FrameRole.EGRESS_COPY, traces.get(2).role());
        assertEquals(FrameRole.EGRESS_COPY, traces.get(3).role());
    }

    /**
     * The recorded node with a netdev ingress chain on the client pod's veth (cali62608e08adc, ifindex 3): a drop of UDP
     * 5301 and a counter of every UDP packet, which see each fragment as it arrives, before nf_defrag
     * (samples/recorder/checks/nft-ingress-fragments.sh: a port rule matches the first fragment only).
     */
    private static Path nodeWithIngressChain(Path tmp) throws IOException {
        Path dir = node(tmp, null);
        Files.writeString(dir.resolve("nft-ruleset.txt"), """
                table netdev pkp_frag {
                	chain ing {
                		type filter hook ingress device "cali62608e08adc" priority filter; policy accept;
                		udp dport 5301 counter packets 0 bytes 0 drop
                		meta l4proto udp counter packets 0 bytes 0
                	}
                }
                """);
        return dir;
    }

    private static List<String> ingressRules(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof io.pktpath.core.trace.RuleStep r
                && r.hook() == io.pktpath.core.trace.Hook.INGRESS).map(s -> (io.pktpath.core.trace.RuleStep) s)
                .map(r -> r.rule().text() + " " + r.verdict().kind()).toList();
    }

    @Test
    void eachFragmentWalksTheIngressChainAsItselfAndTheDatagramCrossesPreroutingOnce(@TempDir Path tmp)
            throws IOException {
        Path dir = nodeWithIngressChain(tmp);
        byte[][] in = fragments(POD, UPLINK, 781, 45004, 5300, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[0]), new Frame(1, POD_VETH, IN, in[1]));
        List<PacketTrace> traces = analyze(dir);

        PacketTrace held = traces.get(0);
        assertEquals(FrameRole.FRAGMENT, held.role());
        assertEquals(Disposition.HELD_FOR_REASSEMBLY, held.disposition(), held.reason());
        assertEquals(List.of("meta l4proto udp counter packets 0 bytes 0 CONTINUE"), ingressRules(held).stream()
                .map(r -> r.replaceAll(" counter packets \\d+ bytes \\d+", " counter packets 0 bytes 0")).toList());
        PacketTrace whole = traces.get(1);
        assertEquals(List.of(1L, 2L), whole.reassembled().orElseThrow().fragments());
        // the non-first fragment that completed it walked the chain (no ports: the port rule cannot match it)
        assertEquals(1, ingressRules(whole).size(), whole.path().toString());
        long preroutings = whole.path().stream().filter(s -> s instanceof io.pktpath.core.trace.HookStep h
                && h.hook() == io.pktpath.core.trace.Hook.PREROUTING).count();
        assertEquals(1, preroutings);
        assertEquals(20 + 8 + 2000, whole.datagram().length());
    }

    @Test
    void aFirstFragmentDroppedAtIngressIsDroppedOnItsFrameAndItsDatagramNeverBecomesWhole(@TempDir Path tmp)
            throws IOException {
        Path dir = nodeWithIngressChain(tmp);
        byte[][] in = fragments(POD, UPLINK, 782, 45005, 5301, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[0]), new Frame(1, POD_VETH, IN, in[1]));
        List<PacketTrace> traces = analyze(dir);

        PacketTrace first = traces.get(0);
        assertEquals(Disposition.DROPPED_BY_RULE, first.disposition(), first.reason());
        assertEquals(io.pktpath.core.trace.Hook.INGRESS, ((io.pktpath.core.trace.RuleStep) first.decisiveStep()
                .orElseThrow()).hook());
        assertTrue(first.reassembled().isEmpty());
        PacketTrace rest = traces.get(1);
        assertEquals(FrameRole.FRAGMENT, rest.role());
        assertTrue(rest.reassembled().isEmpty() && rest.disposition() != Disposition.DELIVERED_LOCALLY
                && rest.disposition() != Disposition.FORWARDED, rest.disposition() + " " + rest.reason());
        assertTrue(rest.notes().stream().anyMatch(n -> n.contains("frame 1, a fragment of the same datagram, was dropped"
                + " by an ingress chain")), rest.notes().toString());
    }

    @Test
    void aFirstFragmentArrivingLastAndDroppedLeavesTheOtherHeldAlone(@TempDir Path tmp) throws IOException {
        Path dir = nodeWithIngressChain(tmp);
        byte[][] in = fragments(POD, UPLINK, 783, 45006, 5301, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[1]), new Frame(1, POD_VETH, IN, in[0]));
        List<PacketTrace> traces = analyze(dir);

        // the later fragment has no UDP header: the port rule lets it through to nf_defrag, which holds it
        PacketTrace later = traces.get(0);
        assertEquals(FrameRole.FRAGMENT, later.role());
        assertFalse(later.reason().contains("completed it"), later.reason());
        assertEquals(1, ingressRules(later).size());
        assertEquals(Disposition.DROPPED_BY_RULE, traces.get(1).disposition(), traces.get(1).reason());
    }

    @Test
    void aDatagramIncompleteWhenTheCaptureEndsIsHeldNotDropped(@TempDir Path tmp) throws IOException {
        Path dir = node(tmp, null);
        byte[][] in = fragments(POD, UPLINK, 778, 45001, 5300, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[0]));
        PacketTrace t = analyze(dir).get(0);

        assertEquals(FrameRole.FRAGMENT, t.role());
        assertEquals(Disposition.NOT_REPLAYABLE, t.disposition(), t.reason());
        assertTrue(t.reason().contains("when the capture ended"), t.reason());
    }

    @Test
    void overlappingFragmentsDropTheWholeDatagram(@TempDir Path tmp) throws IOException {
        Path dir = node(tmp, null);
        byte[][] a = fragments(POD, UPLINK, 779, 45002, 5300, 2000, 1200);
        byte[][] b = fragments(POD, UPLINK, 779, 45002, 5300, 2000, 1000);
        capture(dir, new Frame(0, POD_VETH, IN, a[0]), new Frame(30, POD_VETH, IN, b[1]), new Frame(60, POD_VETH, IN, a[1]));
        List<PacketTrace> traces = analyze(dir);

        assertEquals(Disposition.REASSEMBLY_FAILED, traces.get(0).disposition(), traces.get(0).reason());
        assertEquals(Disposition.REASSEMBLY_FAILED, traces.get(1).disposition(), traces.get(1).reason());
        assertTrue(traces.get(1).reason().contains("overlap"), traces.get(1).reason());
    }

    @Test
    void withConntrackTheFragmentMatchNeverSeesAFragment(@TempDir Path tmp) throws IOException {
        String rules = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                + "-A POSTROUTING -s 10.244.0.0/16 -o eth0 -j MASQUERADE\nCOMMIT\n"
                + "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -f -j DROP\nCOMMIT\n";
        Path dir = node(tmp, rules);
        byte[][] in = fragments(POD, UPLINK, 780, 45003, 5300, 2000, 1200);
        byte[][] out = fragments(NODE, UPLINK, 780, 45003, 5300, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[0]), new Frame(1, POD_VETH, IN, in[1]),
                new Frame(2, ETH0, OUT, out[0]), new Frame(2, ETH0, OUT, out[1]));
        List<PacketTrace> traces = analyze(dir);

        assertEquals(FrameRole.FRAGMENT, traces.get(0).role());
        assertEquals(Disposition.FORWARDED, traces.get(1).disposition(), "-f never matches a reassembled datagram: "
                + traces.get(1).reason());
        assertEquals(List.of(3L, 4L), traces.get(1).correlated());
    }

    @Test
    void withoutConntrackNothingIsReassembledAndTheFragmentMatchSeesTheRest(@TempDir Path tmp) throws IOException {
        String rules = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -f -j DROP\nCOMMIT\n";
        Path dir = node(tmp, rules);
        byte[][] in = fragments(POD, UPLINK, 781, 45004, 5300, 2000, 1200);
        capture(dir, new Frame(0, POD_VETH, IN, in[0]), new Frame(1, POD_VETH, IN, in[1]),
                new Frame(2, ETH0, OUT, in[0]));
        List<PacketTrace> traces = analyze(dir);

        assertEquals(FrameRole.INGRESS, traces.get(0).role());
        assertEquals(Disposition.FORWARDED, traces.get(0).disposition(), traces.get(0).reason());
        assertTrue(traces.get(0).reassembled().isEmpty());
        assertEquals(FrameRole.INGRESS, traces.get(1).role());
        assertEquals(Disposition.DROPPED_BY_RULE, traces.get(1).disposition(), "-f drops the non-first fragment");
    }

    @Test
    void ipv6FragmentsMakeADatagramWithoutTheFragmentHeader(@TempDir Path tmp) throws IOException {
        Path dir = node(tmp, null);
        byte[] data = new byte[1600];
        byte[] udp = Frames.udp(45005, 5300, data);
        long pod = 0xfd000000000000L << 8;
        byte[] first = Frames.ipv6(pod, 2, pod, 1, 44, 64, Frames.fragmentHeader(17, 0, true, 0x1234),
                Arrays.copyOfRange(udp, 0, 1200));
        byte[] last = Frames.ipv6(pod, 2, pod, 1, 44, 64, Frames.fragmentHeader(17, 1200, false, 0x1234),
                Arrays.copyOfRange(udp, 1200, udp.length));
        capture(dir, new Frame(0, POD_VETH, IN, last), new Frame(10, POD_VETH, IN, first));
        List<PacketTrace> traces = analyze(dir);

        assertEquals(FrameRole.FRAGMENT, traces.get(0).role());
        assertEquals(Disposition.HELD_FOR_REASSEMBLY, traces.get(0).disposition(), traces.get(0).reason());
        PacketTrace whole = traces.get(1);
        assertEquals(FrameRole.INGRESS, whole.role());
        assertEquals(40 + 8 + 1600, whole.datagram().length(), "the fixed header, UDP and its data: no fragment header");
        assertEquals(45005, whole.datagram().sport());
    }
}
