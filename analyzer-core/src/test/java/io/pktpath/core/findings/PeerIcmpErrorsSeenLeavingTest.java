package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.OneInterface;
import io.pktpath.core.replay.Arrival;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture of the client pod's veth alone (recordings icmp-related-nat and ipset-calico) shows other hosts' ICMP
 * errors only leaving: each is replayed as the error that arrived, its outer addresses and quoted header from the
 * connection of the packet it quotes with that connection's NAT undone, on the device of the route back to its sender,
 * RELATED and forwarded with the NAT and fate the capture of every interface gives it. The node's own errors (owed for
 * the packets it dropped, or from its own address) stay its own.
 */
class PeerIcmpErrorsSeenLeavingTest {
    /** The client pod's veth in both recordings (SLL2 ifindex). */
    private static final int CLIENT_VETH = 3;
    private static final String CLIENT_VETH_NAME = "cali62608e08adc";
    private static final String WEB1_VETH_NAME = "calie694aa37abf";

    @TempDir
    static Path dir;

    private static List<PacketTrace> replay(String bundle, boolean clientVethOnly) throws IOException {
        Path sample = SampleBundles.sample(bundle);
        Path capture = sample.resolve("capture.pcap");
        if (clientVethOnly) {
            capture = dir.resolve(bundle + "-" + CLIENT_VETH + ".pcap");
            OneInterface.keep(sample.resolve("capture.pcap"), capture, CLIENT_VETH);
        }
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(sample), Optional.of(capture), AnalysisOptions.DEFAULT, traces::add,
                n -> { }, () -> false);
        return traces;
    }

    /** The ICMP errors leaving the client's veth whose info line has {@code text}, in capture order. */
    private static List<PacketTrace> errors(List<PacketTrace> traces, String text) {
        List<PacketTrace> found = traces.stream().filter(t -> t.packet().iface().equals(CLIENT_VETH_NAME)
                && t.packet().dir().equals("out") && t.packet().icmpType() >= 0 && t.packet().info().contains(text))
                .toList();
        assertTrue(!found.isEmpty(), "no error with " + text);
        return found;
    }

    /** The trace of the frame the capture of every interface has at the same time on the same interface. */
    private static PacketTrace twin(List<PacketTrace> whole, PacketTrace t) {
        return whole.stream().filter(w -> w.packet().timeNanos() == t.packet().timeNanos()
                && w.packet().iface().equals(t.packet().iface())).findFirst().orElseThrow();
    }

    private static void assertRebuilt(PacketTrace t, String arrivedOn, List<PacketTrace> whole) {
        String frame = "frame " + t.packet().frame() + " " + t.packet().info() + ": " + t.reason() + " " + t.notes();
        assertEquals(FrameRole.INGRESS, t.role(), frame);
        assertEquals(Disposition.FORWARDED, t.disposition(), frame);
        assertTrue(t.notes().get(0).startsWith("seen only leaving on " + CLIENT_VETH_NAME
                + ": replayed as the packet that arrived on " + arrivedOn + ", which the capture does not hold ("
                + Arrival.Basis.QUOTED_CONNECTION.why()), frame);
        ConntrackStep ct = t.firstConntrackStep();
        assertEquals(Hook.PREROUTING, ct.hook(), frame);
        assertEquals(CtState.RELATED, ct.state(), frame);
        assertTrue(ct.reply(), frame);
        PacketTrace w = twin(whole, t);
        assertEquals(w.disposition(), t.disposition(), frame);
        assertEquals(w.nat(), t.nat(), frame);
    }

    /** The quoted header's rewrite as the path's NAT step at {@code hook} tells it. */
    private static String quotedRewrite(PacketTrace t, Hook hook) {
        String detail = t.path().stream().filter(s -> s instanceof NatStep n && n.hook() == hook)
                .map(s -> ((NatStep) s).detail()).findFirst().orElseThrow(() -> new AssertionError(t.path()));
        return detail.substring(detail.indexOf("quoted header "));
    }

    /**
     * web1's port unreachables for the datagrams DNATed from 10.96.0.50:53 to it leave from the service address,
     * quoting it: they arrived from web1 on its veth quoting web1:5353, and the undoing of the DNAT rewrote both.
     */
    @Test
    void theEndpointsPortUnreachablesAreRebuiltFromTheEndpoint() throws IOException {
        List<PacketTrace> whole = replay("icmp-related-nat", false);
        List<PacketTrace> veth = replay("icmp-related-nat", true);
        List<PacketTrace> fromService = errors(veth, "ICMP 10.96.0.50 > 10.244.1.2 unreachable port");
        assertEquals(2, fromService.size());
        for (PacketTrace t : fromService) {
            assertRebuilt(t, WEB1_VETH_NAME, whole);
            assertEquals("10.244.1.3", t.nat().orElseThrow().before().src().toString(), t.toString());
            int sport = t.packet().info().contains(":41011 ") ? 41011 : 41012;
            assertEquals("quoted header 10.244.1.2:" + sport + " -> 10.244.1.3:5353 became 10.244.1.2:" + sport
                    + " -> 10.96.0.50:53", quotedRewrite(t, Hook.POSTROUTING), t.toString());
        }
    }

    /**
     * The uplink's port unreachables for masqueraded datagrams arrived on eth0 to the node's address, quoting it; the
     * one for the datagram to the peer network, which is not masqueraded, arrived as it left.
     */
    @Test
    void theUplinksPortUnreachablesAreRebuiltBeforeTheMasqueradeWasUndone() throws IOException {
        List<PacketTrace> whole = replay("icmp-related-nat", false);
        List<PacketTrace> veth = replay("icmp-related-nat", true);
        List<PacketTrace> masqueraded = errors(veth, "ICMP 172.18.0.1 > 10.244.1.2 unreachable port");
        assertEquals(2, masqueraded.size());
        for (PacketTrace t : masqueraded) {
            assertRebuilt(t, "eth0", whole);
            assertEquals("172.18.0.2", t.nat().orElseThrow().before().dst().toString(), t.toString());
            assertTrue(quotedRewrite(t, Hook.PREROUTING).startsWith("quoted header 172.18.0.2:"), t.toString());
        }
        PacketTrace unNated = errors(veth, "ICMP 10.70.0.1 > 10.244.1.2 unreachable port").get(0);
        assertRebuilt(unNated, "eth0", whole);
        assertTrue(unNated.nat().isEmpty(), unNated.toString());
    }

    /**
     * The node's own errors stay its own: the time exceededs it owes for the datagrams it dropped (one of them from the
     * service address, the undoing of a DNAT having rewritten its source), and the frag neededs from its address.
     */
    @Test
    void theNodesOwnErrorsStaySent() throws IOException {
        List<PacketTrace> veth = replay("icmp-related-nat", true);
        List<PacketTrace> own = new ArrayList<>(errors(veth, "time exceeded"));
        own.addAll(errors(veth, "ICMP 172.18.0.2 > 10.244.1.2 unreachable need-frag"));
        assertEquals(6, own.size());
        assertTrue(own.stream().anyMatch(t -> t.packet().src().orElseThrow().toString().equals("10.96.0.70")));
        for (PacketTrace t : own) {
            assertEquals(FrameRole.LOCAL_OUT, t.role(), t.toString());
            assertEquals(Disposition.SENT, t.disposition(), t.toString());
        }
    }

    /**
     * The capture of every interface holds eth0 and shows no frag needed for the DNATed datagram arriving there: the
     * node made it (the replay, which does not model ip_forward's MTU check, owes none), so it is not rebuilt as the
     * endpoint's, though it quotes a connection conntrack holds and comes from the service address.
     */
    @Test
    void anErrorWhoseArrivalTheCaptureWouldHoldIsTheNodes() throws IOException {
        PacketTrace t = errors(replay("icmp-related-nat", false), "ICMP 10.96.0.70 > 10.244.1.2 unreachable need-frag")
                .get(0);
        assertEquals(FrameRole.LOCAL_OUT, t.role(), t.toString());
        assertEquals(Disposition.SENT, t.disposition(), t.toString());
    }

    /** web1's protocol unreachable for the client's GRE packet: RELATED to the GRE flow, forwarded unchanged. */
    @Test
    void aProtocolUnreachableForGreIsRebuiltFromItsFlow() throws IOException {
        List<PacketTrace> whole = replay("ipset-calico", false);
        List<PacketTrace> veth = replay("ipset-calico", true);
        PacketTrace t = errors(veth, "unreachable protocol (quoting proto 47").get(0);
        assertRebuilt(t, WEB1_VETH_NAME, whole);
        long gre = veth.stream().filter(g -> g.packet().proto() == 47).findFirst().orElseThrow().flowId();
        assertEquals(gre, t.firstConntrackStep().flowId(), t.toString());
    }
}
