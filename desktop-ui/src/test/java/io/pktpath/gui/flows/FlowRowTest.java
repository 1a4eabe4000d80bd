package io.pktpath.gui.flows;

import io.pktpath.core.conntrack.FlowCarriers;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowRowTest {
    @Test
    void vxlanCarrierFlowsAreMarkedWithTheFlowTheyCarriedAndTheirUnrepliedIsTheTunnels() {
        List<FlowRow> flows = FlowsView.rows(Samples.session("overlay-vxlan"));
        assertEquals(21, flows.size());
        // flow 1 is the pod's TCP connection 10.244.1.2:46001 -> 10.244.2.5:8080; flows 2 and 3 its two VXLAN
        // directions, each with an outer source port of its own, as the kernel's conntrack -L shows
        FlowRow inner = flows.get(0);
        assertEquals("closed", inner.outcome());
        assertEquals("carried in VXLAN (VNI 1) by flows 2, 3", inner.tunnel());
        FlowRow carrier = flows.get(1);
        assertEquals("172.18.0.2:38295 -> 172.18.0.1:8472", carrier.original());
        assertEquals("unreplied (tunnel)", carrier.outcome());
        assertEquals("VXLAN (VNI 1) carrier of flow 1: each direction has its own source port, as the kernel's"
                + " conntrack shows", carrier.tunnel());
        assertEquals("unreplied", carrier.record().outcome());
        // every UDP flow to or from port 8472 is a carrier, every other flow was carried (the README's seven probes)
        for (FlowRow f : flows) {
            boolean vxlan = f.original().endsWith(":8472");
            assertEquals(vxlan, f.tunnel().startsWith("VXLAN (VNI 1) carrier of flow "), f.id() + " " + f.tunnel());
            assertEquals(!vxlan, f.tunnel().startsWith("carried in VXLAN (VNI 1) by flows "), f.id() + " " + f.tunnel());
            assertEquals(vxlan, f.outcome().equals("unreplied (tunnel)"), f.id() + " " + f.outcome());
        }
    }

    @Test
    void aFlowBothCarrierAndCarriedShowsBothInTheTunnelColumn() {
        // a carrier flow that another tunnel carried in turn, as an IP-in-IP underlay would carry VXLAN
        FlowRecord carrier = FlowsView.rows(Samples.session("overlay-vxlan")).get(1).record()
                .withCarriers(new FlowCarriers("IP-in-IP", List.of(30L), false));
        assertEquals("VXLAN (VNI 1) carrier of flow 1: each direction has its own source port, as the kernel's conntrack"
                + " shows; carried in IP-in-IP by flow 30", FlowRow.of(carrier).tunnel());
    }

    @Test
    void flowsWithoutTunnelsHaveNoTunnelColumnText() {
        assertTrue(FlowsView.rows(Samples.session("clusterip-tcp")).stream().allMatch(f -> f.tunnel().isEmpty()));
    }
}
