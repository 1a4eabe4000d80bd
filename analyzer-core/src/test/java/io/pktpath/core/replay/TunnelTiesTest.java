package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.packet.TunnelType;
import io.pktpath.core.trace.TunnelTie;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A VXLAN frame's carried packet as the converter decodes it ({@link Encapsulation}), and {@link TunnelTies}: an
 * outbound tunnel frame tied to the frame that left on the tunnel device before it, a received one to the decapsulated
 * frame after it, the fwmarks remembered for the next crossing only.
 */
class TunnelTiesTest {
    private static final int POD = Frames.ip4(10, 244, 1, 2);
    private static final int REMOTE = Frames.ip4(10, 244, 2, 5);
    private static final int NODE = Frames.ip4(172, 18, 0, 2);
    private static final int PEER = Frames.ip4(172, 18, 0, 1);

    private final PacketConverter converter = new PacketConverter("", Direction.UNKNOWN);

    private static byte[] innerSyn(int id) {
        return Frames.ipv4(POD, REMOTE, 6, id, 64, 0x4000, new byte[0],
                Frames.tcp(46001, 8080, 1000, 0, 0x02, 64240, 1460, new byte[0]));
    }

    private CapturedPacket frame(long n, String iface, Direction dir, byte[] ip) {
        FrameView f = new FrameView();
        f.set(n, n * 1_000_000L, ip, 0, ip.length, ip.length, LinkType.RAW, 0);
        f.setInterface(0, iface);
        f.setDirection(dir);
        PacketView v = new PacketView();
        new PacketDecoder().decode(f, v);
        return converter.convert(f, v);
    }

    private CapturedPacket outer(long n, Direction dir, int src, int dst, byte[] innerIp) {
        byte[] eth = Frames.ethernet(Frames.MAC_A, Frames.MAC_B, 0x0800, innerIp);
        return frame(n, "eth0", dir, Frames.ipv4(src, dst, 17, Frames.udp(48558, 8472, Frames.vxlan(1, eth))));
    }

    @Test
    void theConverterKeepsTheCarriedPacketOfAVxlanFrame() {
        CapturedPacket outer = outer(7, Direction.OUT, NODE, PEER, innerSyn(23586));
        assertTrue(outer.encapsulation().isPresent());
        Encapsulation e = outer.encapsulation().get();
        assertEquals(TunnelType.VXLAN, e.type());
        assertEquals(1, e.vni());
        assertEquals("VXLAN (VNI 1)", e.describe());
        assertEquals(46001, e.inner().sport());
        assertEquals("TCP 10.244.1.2:46001 > 10.244.2.5:8080", TunnelTies.text(e));
        assertTrue(e.carries(frame(4, "flannel.1", Direction.OUT, innerSyn(23586))));
        assertFalse(e.carries(frame(4, "flannel.1", Direction.OUT, innerSyn(23587))), "another IP id is another packet");
        assertTrue(frame(4, "flannel.1", Direction.OUT, innerSyn(23586)).encapsulation().isEmpty());
    }

    @Test
    void anIpInIpFrameCarriesItsInnerPacketToo() {
        CapturedPacket outer = frame(9, "eth0", Direction.OUT, Frames.ipv4(NODE, PEER, 4, innerSyn(42)));
        Encapsulation e = outer.encapsulation().orElseThrow();
        assertEquals(TunnelType.IPIP, e.type());
        assertEquals("IP-in-IP", e.describe());
        assertTrue(e.carries(frame(8, "tunl0", Direction.OUT, innerSyn(42))));
        assertTrue(TunnelTies.deliveredDetail(outer, null).startsWith("delivered locally to the node's IP-in-IP tunnel"
                + " device, which decapsulates it"), TunnelTies.deliveredDetail(outer, null));
    }

    @Test
    void aReceivedIpInIpFrameIsTakenByTheTunnelDeviceNotASocket() {
        CapturedPacket outer = frame(8, "eth0", Direction.IN, Frames.ipv4(PEER, NODE, 4, innerSyn(42)));
        CapturedPacket inner = frame(9, "tunl0", Direction.IN, innerSyn(42));
        assertTrue(TunnelTies.decapsulatedDetail(outer, inner).endsWith("which the node delivered to its tunnel device;"
                + " received on tunl0"), TunnelTies.decapsulatedDetail(outer, inner));
        assertTrue(TunnelTies.failedDetail(outer, io.pktpath.core.trace.Disposition.DROPPED_BY_RULE).contains(
                "before the node's tunnel device got it"), TunnelTies.failedDetail(outer,
                io.pktpath.core.trace.Disposition.DROPPED_BY_RULE));
        CapturedPacket vxlan = outer(8, Direction.IN, PEER, NODE, innerSyn(0));
        assertTrue(TunnelTies.failedDetail(vxlan, io.pktpath.core.trace.Disposition.DROPPED_BY_RULE).contains(
                "before the node's tunnel socket got it"));
        assertTrue(TunnelTies.decapsulatedDetail(vxlan, frame(10, "flannel.1", Direction.IN, innerSyn(0)))
                .contains("delivered to its tunnel socket"));
    }

    @Test
    void anOutboundTunnelFrameCarriesTheLatestMatchingFrameSentOnATunnelDevice() {
        TunnelTies ties = new TunnelTies();
        CapturedPacket inner = frame(4, "flannel.1", Direction.OUT, innerSyn(23586));
        ties.sent(frame(3, "cali62608e08adc", Direction.IN, innerSyn(23586)));
        ties.sent(frame(2, "eth1", Direction.OUT, innerSyn(23586)));
        ties.sent(inner);
        CapturedPacket outer = outer(7, Direction.OUT, NODE, PEER, innerSyn(23586));
        assertSame(inner, ties.carriedOut(outer));
        assertNull(ties.carriedOut(outer), "a frame is carried once");
        assertTrue(TunnelTies.encapsulatedDetail(outer, inner).startsWith("the VXLAN (VNI 1) encapsulation of frame 4 ("));
        assertTrue(TunnelTies.encapsulatedDetail(outer, null).endsWith("the capture holds no frame of the packet it carries"));
    }

    @Test
    void aReceivedTunnelFrameCarriesTheNextMatchingInboundFrameOnAnotherInterface() {
        CapturedPacket outer = outer(8, Direction.IN, PEER, NODE, innerSyn(0));
        CapturedPacket other = frame(9, "eth0", Direction.IN, innerSyn(0));
        CapturedPacket decapsulated = frame(10, "flannel.1", Direction.IN, innerSyn(0));
        assertSame(decapsulated, TunnelTies.carriedIn(outer, List.of(other, decapsulated), Long.MAX_VALUE));
        assertNull(TunnelTies.carriedIn(outer, List.of(other, decapsulated), 9_500_000L), "beyond the window");
        assertSame(outer(12, Direction.OUT, NODE, PEER, innerSyn(0)).frame(), TunnelTies.carrierOut(
                frame(11, "flannel.1", Direction.OUT, innerSyn(0)),
                List.of(outer(12, Direction.OUT, NODE, PEER, innerSyn(0))), Long.MAX_VALUE).frame());
    }

    @Test
    void marksAreRememberedForTheNextTunnelCrossingOnly() {
        TunnelTies ties = new TunnelTies();
        CapturedPacket received = outer(8, Direction.IN, PEER, NODE, innerSyn(0));
        CapturedPacket leaving = frame(4, "flannel.1", Direction.OUT, innerSyn(1));
        ties.ran(frame(3, "cali1", Direction.IN, innerSyn(1)), leaving, 0x100);
        ties.ran(received, null, 0x200);
        ties.ran(frame(5, "cali1", Direction.IN, innerSyn(2)), frame(6, "eth0", Direction.OUT, innerSyn(2)), 0x4000);
        assertEquals(0x100, ties.markOf(4));
        assertEquals(0, ties.markOf(4), "taken once");
        assertEquals(0x200, ties.markOf(8));
        assertEquals(0, ties.markOf(6), "a packet leaving on eth0 crosses no tunnel");
        for (long n = 100; n < 100 + TunnelTies.RECENT + 1; n++) {
            ties.ran(outer(n, Direction.IN, PEER, NODE, innerSyn(0)), null, 1);
        }
        assertEquals(0, ties.markOf(100), "the oldest is forgotten");
        assertEquals(1, ties.markOf(101));
        assertEquals("", TunnelTies.keptMark(0, "its"));
        assertTrue(TunnelTies.keptMark(0x100, "the inner packet's").startsWith("; it keeps the inner packet's fwmark 0x100"));
    }

    @Test
    void tunnelDevicesAreKnownByTheirOverlaysNames() {
        for (String dev : new String[] {"flannel.1", "vxlan.calico", "tunl0", "genev_sys_6081", "cilium_vxlan"}) {
            assertTrue(TunnelTies.tunnelDevice(dev), dev);
        }
        assertFalse(TunnelTies.tunnelDevice("eth0"));
        assertFalse(TunnelTies.tunnelDevice("cali62608e08adc"));
        for (String dev : new String[] {"", "lo", "veth1a2b", "vlan10", "tun0", "fib0", "gre0", "cni0", "f"}) {
            assertFalse(TunnelTies.tunnelDevice(dev), dev);
        }
    }

    @Test
    void aTieNamesTheOtherFrame() {
        assertEquals("carries frame 4 (VXLAN (VNI 1))", new TunnelTie("VXLAN (VNI 1)", true, 4, "d").label());
        assertEquals("carried by frame 7 (VXLAN (VNI 1))", new TunnelTie("VXLAN (VNI 1)", false, 7, "d").label());
        assertEquals("VXLAN (VNI 1), inner packet not captured", new TunnelTie("VXLAN (VNI 1)", true, 0, "d").label());
    }
}
