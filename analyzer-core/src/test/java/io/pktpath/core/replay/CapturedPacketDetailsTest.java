package io.pktpath.core.replay;

import static io.pktpath.core.packet.Frames.arp;
import static io.pktpath.core.packet.Frames.ethernet;
import static io.pktpath.core.packet.Frames.ip4;
import static io.pktpath.core.packet.Frames.ipv4;
import static io.pktpath.core.packet.Frames.tcp;
import static io.pktpath.core.packet.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A converted frame's details and link layer: cleanly decoded whole frames share one instance of the details, frames
 * of the same MACs one link layer, fragments, ARP frames and damaged frames carry their own details, and the accessors
 * answer as the fields they replaced did.
 */
class CapturedPacketDetailsTest {
    private static final long NODE_MAC = 0x0200000000aaL;
    private static final long PEER_MAC = 0x0200000000bbL;

    private final PacketConverter converter = new PacketConverter("eth0", Direction.IN);
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView();
    private final FrameView frame = new FrameView();
    private long number;

    private CapturedPacket convert(byte[] bytes, int captured) {
        number++;
        frame.set(number, 1_000L * number, bytes, 0, captured < 0 ? bytes.length : captured, bytes.length,
                LinkType.ETHERNET, 0);
        return converter.convert(frame, decoder.decode(frame, view));
    }

    private static byte[] ip(byte[] packet) {
        return ethernet(NODE_MAC, PEER_MAC, 0x0800, packet);
    }

    @Test
    void cleanWholeFramesShareTheirDetails() {
        CapturedPacket a = convert(ip(ipv4(ip4(10, 0, 0, 1), ip4(10, 96, 0, 10), 6,
                tcp(40000, 80, 1, 0, 0x02, 64240, 1460, new byte[0]))), -1);
        CapturedPacket b = convert(ip(ipv4(ip4(10, 0, 0, 2), ip4(10, 96, 0, 53), 17, udp(5353, 53, new byte[12]))), -1);
        assertSame(a.details(), b.details());
        assertSame(a.link(), b.link());
        assertEquals(new LinkLayer(PEER_MAC, NODE_MAC, -1), a.link());
        assertEquals(DecodeStatus.OK, a.status());
        assertEquals("", a.statusMessage());
        assertTrue(a.fragment().isEmpty() && a.encapsulation().isEmpty() && a.arp().isEmpty());
        assertTrue(a.hasPacket());
        assertEquals(Optional.of(a.ipPacket()), a.packet());
        assertEquals(40000, a.ipPacket().sport());
        assertEquals(53, b.ipPacket().dport());
        assertEquals(PEER_MAC, a.linkSrcMac());
        assertEquals(NODE_MAC, a.linkDstMac());
        CapturedPacket placed = b.placedOn("eth1", "out");
        assertSame(b.details(), placed.details());
        assertEquals("eth1", placed.ipPacket().outIface());
        assertEquals("", placed.ipPacket().inIface());
    }

    @Test
    void linkLayersAreSharedWhileTheirSlotHoldsThemAndAlwaysRight() {
        LinkLayers links = new LinkLayers();
        LinkLayer[] first = new LinkLayer[5000];
        for (int i = 0; i < first.length; i++) {
            first[i] = links.of(0x020000000000L + i, i % 3 == 0 ? -1 : NODE_MAC, i % 5 - 1);
        }
        int shared = 0;
        for (int i = 0; i < first.length; i++) {
            LinkLayer again = links.of(0x020000000000L + i, i % 3 == 0 ? -1 : NODE_MAC, i % 5 - 1);
            assertEquals(new LinkLayer(0x020000000000L + i, i % 3 == 0 ? -1 : NODE_MAC, i % 5 - 1), again);
            shared += again == first[i] ? 1 : 0;
        }
        assertTrue(shared > 0 && shared < first.length, "shared " + shared);
        LinkLayer few = links.of(PEER_MAC, NODE_MAC, 0);
        for (int i = 0; i < 100; i++) {
            assertSame(few, links.of(PEER_MAC, NODE_MAC, 0));
            assertEquals(new LinkLayer(NODE_MAC, PEER_MAC, 4), links.of(NODE_MAC, PEER_MAC, 4));
        }
    }

    @Test
    void aFragmentCarriesItsPlaceInTheDatagram() {
        byte[] firstPart = ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, 0x4242, 64, 0x2000, new byte[0],
                udp(7000, 7001, new byte[40]));
        CapturedPacket cp = convert(ip(firstPart), -1);
        assertTrue(cp.hasPacket());
        assertEquals(DecodeStatus.OK, cp.status());
        IpFragment f = cp.fragment().orElseThrow();
        assertEquals(0x4242, f.id());
        assertTrue(f.first() && f.more());
        assertEquals(48, f.dataLength());
        assertEquals(20, f.headerLength());
    }

    @Test
    void anArpFrameHasNoPacketAndItsOwnFields() {
        CapturedPacket cp = convert(ethernet(0xffffffffffffL, PEER_MAC, 0x0806,
                arp(1, PEER_MAC, ip4(10, 0, 0, 1), 0, ip4(10, 0, 0, 9))), -1);
        assertFalse(cp.hasPacket());
        assertNull(cp.ipPacket());
        assertEquals(Optional.empty(), cp.packet());
        assertEquals(DecodeStatus.NOT_IP, cp.status());
        assertEquals(1, cp.arp().orElseThrow().op());
        assertEquals(PEER_MAC, cp.arp().orElseThrow().senderMac());
        assertEquals("10.0.0.9", cp.arp().orElseThrow().targetIp().toString());
    }

    @Test
    void aDamagedFrameKeepsItsStatusAndMessage() {
        byte[] whole = ip(ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6, tcp(1, 2, 3, 4, 0x10, 100, -1, new byte[0])));
        CapturedPacket cp = convert(Arrays.copyOf(whole, 14 + 12), 14 + 12);
        assertEquals(DecodeStatus.TRUNCATED, cp.status());
        assertTrue(cp.statusMessage().startsWith("truncated IPv4 header"), cp.statusMessage());
        assertFalse(cp.hasPacket());
        CapturedPacket clean = convert(whole, -1);
        assertNotSame(clean.details(), cp.details());
    }
}
