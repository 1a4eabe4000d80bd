package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reason of a whole packet's egress copy, written from the trace's fields when it was left to them: the sentence the
 * replay wrote for every copy before, with and without NAT, on a named interface or none; no other trace may leave
 * its reason out.
 */
class EgressCopyReasonTest {
    private static final Tuple BEFORE = new Tuple(6, IpAddress.v4(0x0af40102), 40000, IpAddress.v4(0x0a60000a), 80);
    private static final NatChange DNAT = new NatChange(BEFORE,
            new Tuple(6, BEFORE.src(), 40000, IpAddress.v4(0x0af40305), 8080), false);
    private static final NatChange NONE = new NatChange(BEFORE, BEFORE, false);

    private static PacketTrace copy(String iface, FrameRole role, List<Long> of, Optional<NatChange> nat) {
        PacketSummary p = new PacketSummary(9, 0, iface, "out", 4, 6, Optional.empty(), Optional.empty(), 40000, 80, -1,
                60, -1, -1, -1, "");
        return new PacketTrace(p, role, List.of(), Disposition.FORWARDED, (DeferredText) null, nat, Optional.empty(), of, List.of(),
                List.of(), List.of(), 3);
    }

    @Test
    void aCopysReasonNamesItsFrameItsInterfaceAndWhetherNatChangedIt() {
        assertEquals("the packet of frame 7 leaving on cali1234 after NAT",
                copy("cali1234", FrameRole.EGRESS_COPY, List.of(7L), Optional.of(DNAT)).reason());
        assertEquals("the packet of frame 7 leaving on eth0",
                copy("eth0", FrameRole.EGRESS_COPY, List.of(7L), Optional.of(NONE)).reason());
        assertEquals("the packet of frame 12 leaving on its output interface",
                copy("", FrameRole.EGRESS_COPY, List.of(12L), Optional.empty()).reason());
        PacketTrace tied = copy("flannel.1", FrameRole.EGRESS_COPY, List.of(7L), Optional.empty())
                .withTunnel(new TunnelTie("VXLAN", false, 8, "carried by frame 8"));
        assertEquals("the packet of frame 7 leaving on flannel.1", tied.reason());
    }

    @Test
    void onlyAWholePacketsCopyOfOneFrameMayLeaveItsReasonOut() {
        assertThrows(NullPointerException.class, () -> copy("eth0", FrameRole.INGRESS, List.of(7L), Optional.empty()));
        assertThrows(NullPointerException.class, () -> copy("eth0", FrameRole.EGRESS_COPY, List.of(), Optional.empty()));
        assertThrows(NullPointerException.class,
                () -> copy("eth0", FrameRole.EGRESS_COPY, List.of(7L, 8L), Optional.empty()));
    }
}
