package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TunnelTie;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/overlay-calico-vxlan replayed: the datagram of a pod packet Felix's policy accepted inherits the mark 0x10000
 * and is accepted by cali-OUTPUT's first rule, as the kernel's counter shows; every UDP 4789 datagram of the remote
 * node is tied to its vxlan.calico frame; the one from a host outside cali40all-vxlan-net is dropped in INPUT and says
 * that nothing was decapsulated; each pod connection names the two carrier flows (one per direction) that carried it.
 */
class OverlayCalicoVxlanReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("overlay-calico-vxlan");
    private static List<PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void theFourVxlanFlowsAreCarriersOfTheTwoPodConnectionsOnePerDirectionAndEachConnectionNamesItsTwo() throws IOException {
        io.pktpath.core.analysis.AnalysisResult result = io.pktpath.core.analysis.Analyzer.analyze(
                BundleLoader.loadDirectory(DIR), java.util.Optional.of(DIR.resolve("capture.pcap")),
                io.pktpath.core.analysis.AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
        List<String> seen = result.flows().stream().map(f -> f.id() + " " + f.original() + " " + f.outcome()
                + f.tunnel().map(t -> " " + t.tunnel() + " carries " + t.innerFlows()).orElse("")
                + f.carriedBy().map(c -> " " + c.tunnel() + " carried by " + c.carrierFlows()
                        + (c.moreCarriers() ? " and more" : "")).orElse("")).toList();
        // README: the client's connection left in 172.18.0.2:33271 (frame 7) and came back in 172.18.0.1:54003
        // (frame 8); the remote pod's came in 172.18.0.1:37167 (frame 35) and went back in 172.18.0.2:34694 (frame 44)
        assertEquals(List.of(
                "1 10.244.1.194:46101 -> 10.244.2.5:8080 closed VXLAN (VNI 4096) carried by [2, 3]",
                "2 172.18.0.2:33271 -> 172.18.0.1:4789 unreplied VXLAN (VNI 4096) carries [1]",
                "3 172.18.0.1:54003 -> 172.18.0.2:4789 unreplied VXLAN (VNI 4096) carries [1]",
                "4 172.18.0.1:37167 -> 172.18.0.2:4789 unreplied VXLAN (VNI 4096) carries [5]",
                "5 10.244.2.5:47101 -> 10.244.1.195:8080 closed VXLAN (VNI 4096) carried by [4, 6]",
                "6 172.18.0.2:34694 -> 172.18.0.1:4789 unreplied VXLAN (VNI 4096) carries [5]"), seen);
        assertEquals("carried in VXLAN (VNI 4096) by flows 4, 6", result.flows().get(4).carriedBy().get().carried());
    }

    private static List<PacketTrace> datagrams() {
        return traces.stream().filter(t -> t.packet().proto() == 17 && t.packet().dport() == 4789).toList();
    }

    /** The comments of the rules a trace's path hit, in path order. */
    private static List<String> comments(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep).map(s -> ((RuleStep) s).rule().text())
                .map(r -> r.replaceAll(".*--comment \"(cali:[^\"]+)\".*", "$1")).toList();
    }

    @Test
    void theSynsDatagramInheritsThePolicyAcceptMarkAndCaliOutputAcceptsIt() {
        PacketTrace syn = traces.stream().filter(t -> t.packet().iface().equals("vxlan.calico")
                && t.packet().info().contains("10.244.1.194:46101 > 10.244.2.5:8080 [S]")).findFirst().get();
        TunnelTie carried = syn.tunnel().get();
        PacketTrace datagram = traces.stream().filter(t -> t.packet().frame() == carried.frame()).findFirst().get();
        assertEquals(Disposition.SENT, datagram.disposition());
        assertTrue(comments(datagram).contains("cali:Mq1_rAdXXH3YkrzW"), comments(datagram).toString());
        assertTrue(datagram.tunnel().get().detail().contains("fwmark 0x10000"), datagram.tunnel().get().detail());
        PacketTrace ack = datagrams().stream().filter(t -> t.packet().dir().equals("out")
                && t.packet().frame() > datagram.packet().frame()).findFirst().get();
        assertFalse(comments(ack).contains("cali:Mq1_rAdXXH3YkrzW"), "an established packet carries no policy mark");
        assertTrue(comments(ack).contains("cali:9MnAjAnjuHYJeUaq"), comments(ack).toString());
    }

    @Test
    void theRemoteNodesDatagramsAreTiedAndTheOtherHostsIsDroppedUndecapsulated() {
        for (PacketTrace d : datagrams()) {
            TunnelTie tie = d.tunnel().orElseThrow();
            assertTrue(tie.carrier());
            assertEquals("VXLAN (VNI 4096)", tie.tunnel());
            if (d.packet().src().get().toString().equals("172.18.0.9")) {
                assertEquals(Disposition.DROPPED_BY_RULE, d.disposition());
                assertEquals(0, tie.frame(), "nothing was decapsulated");
                assertTrue(tie.detail().endsWith("the packet it carries was never decapsulated"), tie.detail());
            } else {
                assertTrue(tie.frame() > 0, "frame " + d.packet().frame() + " untied");
            }
        }
        assertEquals(21, datagrams().size(), "10 sent, 10 from the remote node, 1 from the other host");
    }
}
