package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.report.TraceJson;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TunnelTie;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/overlay-vxlan replayed: each UDP 8472 datagram on eth0 is the node's own packet (sent: OUTPUT and POSTROUTING
 * with a conntrack entry of its own; received: PREROUTING and INPUT) tied to the flannel.1 frame of the packet it
 * carries, both ways; the fwmark crosses the tunnel as the kernel's counters show; the tunnel flows are neither
 * UDP insert races nor unanswered connections; and each inner flow names the carrier flows of both its directions.
 */
class OverlayVxlanReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("overlay-vxlan");
    private static final List<PacketTrace> TRACES = new ArrayList<>();
    private static AnalysisResult result;

    @BeforeAll
    static void replay() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        result = Analyzer.analyze(bundle, Optional.of(DIR.resolve("capture.pcap")), AnalysisOptions.DEFAULT, TRACES::add,
                n -> { }, () -> false);
    }

    private static boolean vxlan(PacketTrace t) {
        return t.packet().proto() == 17 && (t.packet().dport() == 8472) && t.packet().iface().equals("eth0");
    }

    private static Map<Long, PacketTrace> byFrame() {
        Map<Long, PacketTrace> all = new HashMap<>();
        TRACES.forEach(t -> all.put(t.packet().frame(), t));
        return all;
    }

    @Test
    void everyVxlanDatagramIsTiedToTheFlannelFrameOfThePacketItCarriesAndBack() {
        Map<Long, PacketTrace> frames = byFrame();
        List<PacketTrace> datagrams = TRACES.stream().filter(OverlayVxlanReplayTest::vxlan).toList();
        assertTrue(datagrams.size() >= 30, "VXLAN datagrams: " + datagrams.size());
        for (PacketTrace outer : datagrams) {
            TunnelTie tie = outer.tunnel().orElseThrow(() -> new AssertionError("untied frame " + outer.packet().frame()));
            assertTrue(tie.carrier());
            assertEquals("VXLAN (VNI 1)", tie.tunnel());
            PacketTrace inner = frames.get(tie.frame());
            assertNotNull(inner, "frame " + outer.packet().frame() + " carries frame " + tie.frame());
            assertEquals("flannel.1", inner.packet().iface());
            assertEquals(outer.packet().dir(), inner.packet().dir());
            assertEquals(outer.packet().dir().equals("out"), inner.packet().frame() < outer.packet().frame(),
                    "sent: the inner frame comes first; received: the decapsulated one follows");
            TunnelTie back = inner.tunnel().orElseThrow(() -> new AssertionError("frame " + tie.frame() + " untied"));
            assertFalse(back.carrier());
            assertEquals(outer.packet().frame(), back.frame());
        }
        long flannelFrames = TRACES.stream().filter(t -> t.packet().iface().equals("flannel.1")).count();
        assertEquals(datagrams.size(), flannelFrames, "every flannel.1 frame has its datagram");
    }

    @Test
    void theSentDatagramIsTheNodesOwnPacketWithItsOwnConntrackEntry() {
        PacketTrace first = TRACES.stream().filter(t -> vxlan(t) && t.packet().dir().equals("out")).findFirst().get();
        assertEquals(FrameRole.LOCAL_OUT, first.role());
        assertEquals(Disposition.SENT, first.disposition());
        assertEquals(List.of("OUTPUT", "POSTROUTING"), hooks(first));
        ConntrackStep ct = first.firstConntrackStep();
        assertTrue(ct != null && ct.created(), "the first datagram of a flow creates its own entry");
        assertTrue(first.tunnel().get().detail().contains("the tunnel driver sends it as the node's own packet"));
        PacketTrace received = TRACES.stream().filter(t -> vxlan(t) && t.packet().dir().equals("in")).findFirst().get();
        assertEquals(FrameRole.INGRESS, received.role());
        assertEquals(Disposition.DELIVERED_LOCALLY, received.disposition());
        assertEquals(List.of("PREROUTING", "INPUT"), hooks(received));
        PacketTrace decapsulated = byFrame().get(received.tunnel().get().frame());
        assertEquals("in", decapsulated.packet().dir());
        assertEquals(List.of("PREROUTING", "FORWARD", "POSTROUTING"), hooks(decapsulated));
        assertTrue(TraceJson.frame(first, false).toString().contains("\"tunnel\":{\"kind\":\"carrier\""),
                TraceJson.frame(first, false).toString());
    }

    @Test
    void theFwmarkCrossesTheTunnelBothWays() {
        PacketTrace ping = TRACES.stream().filter(t -> vxlan(t) && t.packet().dir().equals("out")
                && byFrame().get(t.tunnel().get().frame()).packet().info().contains("echo request")).findFirst().get();
        assertTrue(rules(ping).contains("mangle OUTPUT: pktpath probe: the VXLAN datagram keeps the inner packet mark"),
                rules(ping).toString());
        assertTrue(ping.tunnel().get().detail().contains("fwmark 0x100"), ping.tunnel().get().detail());
        List<PacketTrace> decapsulated = TRACES.stream()
                .filter(t -> t.packet().iface().equals("flannel.1") && t.packet().dir().equals("in")).toList();
        assertFalse(decapsulated.isEmpty());
        for (PacketTrace t : decapsulated) {
            assertTrue(rules(t).contains("mangle PREROUTING: pktpath probe: the decapsulated packet keeps the outer"
                    + " packet mark"), t.packet().frame() + " " + rules(t));
        }
    }

    @Test
    void theNodesOwnConnectionToTheRemotePodKeepsItsDestination() {
        PacketTrace syn = TRACES.stream().filter(t -> t.packet().info().contains("10.244.1.0:47003 > 10.244.2.5:8080 [S]"))
                .findFirst().get();
        assertEquals(FrameRole.LOCAL_OUT, syn.role());
        assertTrue(syn.nat().isEmpty(), "conntrack -L holds the connection with this original tuple: no nat OUTPUT DNAT"
                + " from the NodePort of a local address, " + syn.nat());
        assertFalse(syn.tunnel().get().carrier(), "carried by the datagram that follows it");
        PacketTrace nodePort = TRACES.stream().filter(t -> t.packet().info().contains("172.18.0.1:47002 > 172.18.0.2:30080"
                + " [S]")).findFirst().get();
        assertEquals("10.244.1.0", nodePort.nat().get().after().src().toString(), "masqueraded to flannel.1's address");
    }

    @Test
    void tunnelFlowsAreNeitherRacesNorUnanswered() {
        for (Finding f : result.findings()) {
            assertFalse(f.title().contains("8472"), f.code() + ": " + f.title());
        }
        assertTrue(result.races().isEmpty(), result.races().toString());
    }

    @Test
    void everyVxlanFlowIsTheCarrierOfTheInnerFlowItsDatagramsCarriedAndNoOtherFlowIsOne() {
        // conntrack -L on the node (conntrack-after.txt) holds each VXLAN flow [UNREPLIED]: the two directions of one
        // inner connection hash different outer source ports
        Map<Long, io.pktpath.core.conntrack.FlowRecord> byId = new HashMap<>();
        result.flows().forEach(f -> byId.put(f.id(), f));
        assertEquals(21, byId.size());
        for (io.pktpath.core.conntrack.FlowRecord f : result.flows()) {
            boolean vxlan = f.original().protocol() == 17 && f.original().dport() == 8472;
            assertEquals(vxlan, f.tunnel().isPresent(), f.toString());
            if (vxlan) {
                io.pktpath.core.conntrack.FlowTunnel t = f.tunnel().get();
                assertEquals("VXLAN (VNI 1)", t.tunnel());
                assertEquals("unreplied", f.outcome());
                assertTrue(f.unrepliedCarrier());
                assertEquals(1, t.innerFlows().size(), f.toString());
                assertFalse(t.moreInner());
                // the inner flow reaches a pod (10.244.x.x; a NodePort flow's original goes to the node's address),
                // and each of the carrier's frames carries a frame of it
                io.pktpath.core.conntrack.FlowRecord inner = byId.get(t.innerFlows().get(0));
                assertTrue(inner.reply().src().toString().startsWith("10.244."), inner.toString());
                Map<Long, PacketTrace> frames = byFrame();
                for (long frame : f.frames()) {
                    TunnelTie tie = frames.get(frame).tunnel().orElseThrow();
                    assertTrue(tie.carrier());
                    assertEquals(inner.id(), frames.get(tie.frame()).flowId(), "frame " + frame + " carries " + tie.frame());
                }
            }
        }
        // flow 2, the first datagram's (172.18.0.2:38295 -> 172.18.0.1:8472), carries flow 1 (TCP 46001 -> 8080)
        io.pktpath.core.conntrack.FlowRecord first = byId.get(2L);
        assertEquals(38295, first.original().sport());
        assertEquals(List.of(1L), first.tunnel().get().innerFlows());
        assertEquals(46001, byId.get(1L).original().sport());
        // each inner flow (TCP, UDP, ICMP) has its two carriers, one per direction
        Map<Long, Long> carriersPerInner = new HashMap<>();
        result.flows().forEach(f -> f.tunnel().ifPresent(t -> t.innerFlows().forEach(i -> carriersPerInner.merge(i, 1L, Long::sum))));
        assertEquals(7, carriersPerInner.size(), carriersPerInner.toString());
        carriersPerInner.forEach((inner, n) -> assertEquals(2L, n, "flow " + inner));
    }

    @Test
    void everyInnerFlowNamesTheCarrierFlowsOfBothItsDirectionsAndNoOtherFlowIsCarried() {
        // README: the client's TCP connection 46001 -> 8080 (flow 1) left in 172.18.0.2:38295 -> 8472 (flow 2, frame 7)
        // and its replies came back in 172.18.0.1:52781 -> 8472 (flow 3, frame 8)
        Map<Long, io.pktpath.core.conntrack.FlowRecord> byId = new HashMap<>();
        result.flows().forEach(f -> byId.put(f.id(), f));
        io.pktpath.core.conntrack.FlowCarriers first = byId.get(1L).carriedBy().orElseThrow();
        assertEquals(new io.pktpath.core.conntrack.FlowCarriers("VXLAN (VNI 1)", List.of(2L, 3L), false), first);
        assertEquals(38295, byId.get(2L).original().sport());
        assertEquals(52781, byId.get(3L).original().sport());
        assertEquals("carried in VXLAN (VNI 1) by flows 2, 3", first.carried());
        // the remote pod's connection to web (flow 11, README probe 4) arrived in flow 10 and was answered in flow 12
        assertEquals(List.of(10L, 12L), byId.get(11L).carriedBy().orElseThrow().carrierFlows());
        // the carriers' inner flows, inverted, are exactly the inner flows' carriers: one out, one in, for each
        Map<Long, List<Long>> inverted = new java.util.TreeMap<>();
        result.flows().forEach(f -> f.tunnel().ifPresent(t -> t.innerFlows().forEach(
                i -> inverted.computeIfAbsent(i, k -> new ArrayList<>()).add(f.id()))));
        Map<Long, List<Long>> carried = new java.util.TreeMap<>();
        result.flows().forEach(f -> f.carriedBy().ifPresent(c -> carried.put(f.id(), c.carrierFlows())));
        assertEquals(List.of(1L, 4L, 7L, 11L, 13L, 16L, 19L), List.copyOf(carried.keySet()));
        assertEquals(inverted, carried);
        for (Map.Entry<Long, List<Long>> e : carried.entrySet()) {
            List<String> sources = e.getValue().stream().map(id -> byId.get(id).original().src().toString()).sorted().toList();
            assertEquals(List.of("172.18.0.1", "172.18.0.2"), sources, "flow " + e.getKey() + " " + e.getValue());
            assertFalse(byId.get(e.getKey()).carriedBy().get().moreCarriers());
            assertFalse(byId.get(e.getKey()).tunnel().isPresent(), "an inner flow is no carrier");
        }
    }

    private static List<String> hooks(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof HookStep).map(s -> ((HookStep) s).hook().name()).toList();
    }

    /** The rules a trace's path hit, as "table CHAIN: comment". */
    private static List<String> rules(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep).map(s -> (RuleStep) s)
                .map(r -> r.rule().table() + " " + r.rule().chain() + ": " + comment(r.rule().text())).toList();
    }

    private static String comment(String rule) {
        int at = rule.indexOf("--comment \"");
        return at < 0 ? rule : rule.substring(at + 11, rule.indexOf('"', at + 11));
    }
}
