package io.pktpath.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.LinkType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A view reused frame after frame (whose quoted header and tunnel inner packet are cleared only after a decoder wrote
 * them) decodes every frame exactly as a fresh view does, whatever the frame before it was.
 */
class ViewReuseTest {
    private final Random random = new Random(77);

    @Test
    void reusedViewDecodesLikeAFreshOneAfterIcmpErrorsAndTunnels() {
        PacketDecoder decoder = new PacketDecoder();
        PacketView reused = new PacketView();
        int plainAfterChildren = 0;
        boolean lastHadChildren = false;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = frame();
            int captured = random.nextInt(6) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            PacketView fresh = decoder.decode(bytes, 0, captured, bytes.length, LinkType.ETHERNET, new PacketView());
            PacketView view = decoder.decode(bytes, 0, captured, bytes.length, LinkType.ETHERNET, reused);
            assertEquals(fresh.snapshot(), view.snapshot(), "frame " + i);
            assertEquals(fresh.quoted().snapshot(), view.quoted().snapshot(), "quoted header of frame " + i);
            assertEquals(fresh.inner().snapshot(), view.inner().snapshot(), "inner packet of frame " + i);
            boolean children = view.hasQuoted() || view.tunnel() != TunnelType.NONE;
            if (lastHadChildren && !children) {
                plainAfterChildren++;
            }
            lastHadChildren = children;
        }
        assertTrue(plainAfterChildren > 2000, "plain frames after an ICMP error or tunnel: " + plainAfterChildren);
    }

    @Test
    void plainFrameAfterAnIcmpErrorHasNoQuotedHeader() {
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        byte[] quoted = Frames.ipv4(Frames.ip4(10, 0, 0, 1), Frames.ip4(10, 0, 0, 2), 6,
                Frames.tcp(1000, 80, 5, 0, 0x02, 100, -1, new byte[0]));
        byte[] error = Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(Frames.ip4(10, 0, 0, 9),
                Frames.ip4(10, 0, 0, 1), 1, Frames.icmp(3, 3, 0, quoted)));
        decoder.decode(error, 0, error.length, error.length, LinkType.ETHERNET, view);
        assertTrue(view.hasQuoted());
        assertEquals(1000, view.quoted().srcPort());
        byte[] plain = Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(Frames.ip4(10, 0, 0, 1),
                Frames.ip4(10, 0, 0, 2), 17, Frames.udp(53, 53, new byte[4])));
        decoder.decode(plain, 0, plain.length, plain.length, LinkType.ETHERNET, view);
        assertEquals(false, view.hasQuoted());
        assertEquals(-1, view.quoted().srcPort());
        assertEquals(-1, view.quoted().protocol());
        assertEquals(0, view.quoted().family());
    }

    private byte[] frame() {
        int src = random.nextInt();
        int dst = random.nextInt();
        return switch (random.nextInt(5)) {
            case 0 -> Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(src, dst, 1,
                    Frames.icmp(random.nextBoolean() ? 3 : 11, random.nextInt(5), 1400,
                            Frames.ipv4(dst, src, random.nextBoolean() ? 6 : 17,
                                    Frames.udp(random.nextInt(65536), random.nextInt(65536), new byte[0])))));
            case 1 -> Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(src, dst, 17,
                    Frames.udp(40000, random.nextBoolean() ? Tunnels.VXLAN_PORT : Tunnels.GENEVE_PORT,
                            Frames.vxlan(random.nextInt(1 << 24), Frames.ethernet(Frames.MAC_A, Frames.MAC_B, 0x0800,
                                    Frames.ipv4(dst, src, 6, Frames.tcp(1, 2, 3, 4, 0x12, 5, 1460, new byte[3])))))));
            case 2 -> Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(src, dst, 6,
                    Frames.tcp(random.nextInt(65536), 443, random.nextInt() & 0xffffffffL, 9, 0x18, 100, -1, new byte[7])));
            default -> Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(src, dst, 17,
                    Frames.udp(random.nextInt(65536), 53, new byte[random.nextInt(20)])));
        };
    }
}
