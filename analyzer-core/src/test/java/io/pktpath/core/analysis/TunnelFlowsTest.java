package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.conntrack.FlowCarriers;
import io.pktpath.core.conntrack.FlowTunnel;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TunnelTie;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Carrier flows from the tunnel ties of their frames: a sent datagram's trace follows its inner frame's, a received
 * one's precedes it; the inner flows are kept in id order, at most {@link FlowTunnel#MAX_INNER}; each inner flow gets
 * its carrier flows the same way, at most {@link FlowCarriers#MAX_CARRIERS}.
 */
class TunnelFlowsTest {
    private static final String VXLAN = "VXLAN (VNI 1)";

    private static PacketTrace trace(long frame, long flowId, TunnelTie tie) {
        PacketSummary p = new PacketSummary(frame, frame * 1000, "eth0", "out", 4, 17,
                Optional.of(IpAddress.v4(0xac120002)), Optional.of(IpAddress.v4(0xac120001)), 40000, 8472, 1, 100, -1,
                -1, 0, "UDP");
        return new PacketTrace(p, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), flowId).withTunnel(tie);
    }

    @Test
    void aSentCarrierFollowsItsInnerFrameAndAReceivedOnePrecedesIt() {
        TunnelFlows flows = new TunnelFlows();
        // sent: inner frame 3 (flow 1) on flannel.1, then its datagram frame 4 (flow 2)
        flows.accept(trace(3, 1, new TunnelTie(VXLAN, false, 4, "encapsulated")));
        flows.accept(trace(4, 2, new TunnelTie(VXLAN, true, 3, "encapsulation")));
        // received: datagram frame 5 (flow 3), then the decapsulated frame 6 (flow 1)
        flows.accept(trace(5, 3, new TunnelTie(VXLAN, true, 6, "delivered")));
        flows.accept(trace(6, 1, new TunnelTie(VXLAN, false, 5, "decapsulated")));
        // a datagram whose inner packet the capture does not hold
        flows.accept(trace(7, 4, new TunnelTie(VXLAN, true, 0, "not captured")));
        Map<Long, FlowTunnel> tunnels = flows.tunnels();
        assertEquals(List.of(2L, 3L, 4L), List.copyOf(tunnels.keySet()));
        assertEquals(new FlowTunnel(VXLAN, List.of(1L), false), tunnels.get(2L));
        assertEquals(new FlowTunnel(VXLAN, List.of(1L), false), tunnels.get(3L));
        assertEquals(new FlowTunnel(VXLAN, List.of(), false), tunnels.get(4L));
        assertEquals("VXLAN (VNI 1) carrier of flow 1", tunnels.get(2L).carried());
        assertEquals("VXLAN (VNI 1) carrier", tunnels.get(4L).carried());
        // the inner flow names both directions' carriers; the datagram whose inner packet is not captured names none
        assertEquals(Map.of(1L, new FlowCarriers(VXLAN, List.of(2L, 3L), false)), flows.carried());
        assertEquals("carried in VXLAN (VNI 1) by flows 2, 3", flows.carried().get(1L).carried());
    }

    @Test
    void anInnerFlowKeepsTheLowestCarrierIdsOnceEachAndSaysThereWereMore() {
        TunnelFlows flows = new TunnelFlows();
        long frame = 1;
        for (long carrier = 30; carrier >= 20; carrier--) {
            for (int twice = 0; twice < 2; twice++) {
                flows.accept(trace(frame, carrier, new TunnelTie(VXLAN, true, frame + 1, "delivered")));
                flows.accept(trace(frame + 1, 7, new TunnelTie(VXLAN, false, frame, "decapsulated")));
                frame += 2;
            }
        }
        FlowCarriers c = flows.carried().get(7L);
        assertEquals(List.of(20L, 21L, 22L, 23L, 24L, 25L, 26L, 27L), c.carrierFlows());
        assertTrue(c.moreCarriers());
        assertEquals("carried in VXLAN (VNI 1) by flows 20, 21, 22, 23, 24, 25, 26, 27 and more", c.carried());
        assertEquals(List.of(7L), flows.tunnels().get(30L).innerFlows(), "each carrier still names its inner flow");
    }

    @Test
    void anInnerFlowCarriedInTwoTunnelsNamesBothInItsCarriersOrder() {
        TunnelFlows flows = new TunnelFlows();
        flows.accept(trace(1, 4, new TunnelTie("Geneve (VNI 7)", true, 2, "delivered")));
        flows.accept(trace(2, 1, new TunnelTie("Geneve (VNI 7)", false, 1, "decapsulated")));
        flows.accept(trace(3, 1, new TunnelTie(VXLAN, false, 4, "encapsulated")));
        flows.accept(trace(4, 3, new TunnelTie(VXLAN, true, 3, "encapsulation")));
        assertEquals("carried in VXLAN (VNI 1) and Geneve (VNI 7) by flows 3, 4", flows.carried().get(1L).carried());
        assertEquals("carried in VXLAN (VNI 1) by flow 3", new FlowCarriers(VXLAN, List.of(3L), false).carried());
        assertThrows(IllegalArgumentException.class, () -> new FlowCarriers(VXLAN, List.of(), false));
    }

    @Test
    void aCarrierKeepsTheLowestInnerFlowIdsAndSaysThereWereMore() {
        TunnelFlows flows = new TunnelFlows();
        long frame = 1;
        for (long inner = 20; inner >= 10; inner--) {
            flows.accept(trace(frame, inner, new TunnelTie(VXLAN, false, frame + 1, "encapsulated")));
            flows.accept(trace(frame + 1, 2, new TunnelTie(VXLAN, true, frame, "encapsulation")));
            frame += 2;
        }
        FlowTunnel t = flows.tunnels().get(2L);
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L), t.innerFlows());
        assertTrue(t.moreInner());
        assertEquals("VXLAN (VNI 1) carrier of flows 10, 11, 12, 13, 14, 15, 16, 17 and more: each direction has its"
                + " own source port, as the kernel's conntrack shows", t.explanation());
    }

    @Test
    void framesWithoutAFlowMarkNothing() {
        TunnelFlows flows = new TunnelFlows();
        flows.accept(trace(1, 0, new TunnelTie(VXLAN, true, 0, "no conntrack")));
        flows.accept(trace(2, 5, new TunnelTie(VXLAN, false, 9, "carried by a frame not seen")));
        assertTrue(flows.tunnels().isEmpty());
        assertTrue(flows.carried().isEmpty());
        assertFalse(new FlowTunnel(VXLAN, List.of(1L, 3L), false).carried().contains("more"));
    }
}
