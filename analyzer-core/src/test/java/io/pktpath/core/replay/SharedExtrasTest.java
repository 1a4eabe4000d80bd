package io.pktpath.core.replay;

import static io.pktpath.core.packet.Frames.ethernet;
import static io.pktpath.core.packet.Frames.icmp;
import static io.pktpath.core.packet.Frames.ip4;
import static io.pktpath.core.packet.Frames.ipv4;
import static io.pktpath.core.packet.Frames.tcp;
import static io.pktpath.core.packet.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The engine packet's and the summary's rarely set fields ({@link Packet.Extras}, {@link PacketSummary.Extras}) on
 * converted frames: one shared instance for a whole TCP or UDP frame, their own for ICMP frames and errors, and the
 * {@code with*} copies and accessors answering as the fields they replaced.
 */
class SharedExtrasTest {
    private final PacketConverter converter = new PacketConverter("eth0", Direction.IN);
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView();
    private final FrameView frame = new FrameView();
    private long number;

    private CapturedPacket convert(byte[] ipPacket) {
        byte[] bytes = ethernet(0x0200000000aaL, 0x0200000000bbL, 0x0800, ipPacket);
        number++;
        frame.set(number, 1_000L * number, bytes, 0, bytes.length, bytes.length, LinkType.ETHERNET, 0);
        return converter.convert(frame, decoder.decode(frame, view));
    }

    @Test
    void wholeTcpAndUdpFramesShareTheDefaults() {
        CapturedPacket syn = convert(ipv4(ip4(10, 0, 0, 1), ip4(10, 96, 0, 10), 6,
                tcp(40000, 80, 7, 0, 0x02, 64240, 1460, new byte[0])));
        CapturedPacket dns = convert(ipv4(ip4(10, 0, 0, 2), ip4(10, 96, 0, 53), 17, udp(5353, 53, new byte[30])));
        for (CapturedPacket cp : new CapturedPacket[] {syn, dns}) {
            assertSame(Packet.Extras.NONE, cp.ipPacket().extras());
            assertSame(PacketSummary.Extras.NONE, cp.summary().extras());
            assertEquals(-1, cp.ipPacket().icmpType());
            assertEquals(0, cp.ipPacket().icmpId());
            assertEquals(Optional.empty(), cp.ipPacket().quoted());
            assertEquals("", cp.ipPacket().physIn());
            assertEquals(-1, cp.summary().icmpType());
            assertEquals(Optional.empty(), cp.summary().quoted());
        }
        assertEquals("TCP 10.0.0.1:40000 > 10.96.0.10:80 [S] seq 7 len 0", syn.summary().info());
        assertEquals("UDP 10.0.0.2:5353 > 10.96.0.53:53 len 30", dns.summary().info());
        Packet bridged = syn.ipPacket().withBridgePorts("veth1", "", true);
        assertEquals("veth1", bridged.physIn());
        assertTrue(bridged.bridged());
        assertSame(Packet.Extras.NONE, bridged.withBridgePorts("", "", false).extras());
        assertEquals(syn.ipPacket(), bridged.withBridgePorts("", "", false));
        Tuple moved = new Tuple(6, IpAddress.v4(ip4(10, 0, 0, 1)), 40000, IpAddress.v4(ip4(10, 244, 1, 5)), 8080);
        assertSame(Packet.Extras.NONE, syn.ipPacket().withTuple(moved).extras());
        assertEquals(8080, syn.ipPacket().withTuple(moved).dport());
    }

    @Test
    void anEchoRequestKeepsItsIcmpFields() {
        CapturedPacket echo = convert(ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 1, icmp(8, 0, 0x1234_0001, new byte[8])));
        Packet p = echo.ipPacket();
        assertNotSame(Packet.Extras.NONE, p.extras());
        assertEquals(8, p.icmpType());
        assertEquals(0, p.icmpCode());
        assertEquals(0x1234, p.icmpId());
        assertEquals(0x1234, p.tupleSourceId());
        assertEquals(0, p.withIcmpType(0).icmpType());
        assertEquals(0x1234, p.withIcmpType(0).icmpId());
        Tuple nat = new Tuple(1, IpAddress.v4(ip4(192, 168, 0, 1)), 0x999, IpAddress.v4(ip4(10, 0, 0, 2)), 0);
        assertEquals(0x999, p.withTuple(nat).icmpId());
        assertEquals(0x999, p.receivedAs(nat, "eth1").icmpId());
        assertEquals(8, echo.summary().icmpType());
        assertEquals(0, echo.summary().icmpCode());
        assertTrue(echo.summary().info().startsWith("ICMP"), echo.summary().info());
    }

    @Test
    void anIcmpErrorQuotesTheTupleItCarries() {
        byte[] quotedUdp = ipv4(ip4(10, 0, 0, 2), ip4(10, 0, 0, 9), 17, udp(33000, 33434, new byte[0]));
        CapturedPacket error = convert(ipv4(ip4(10, 0, 0, 9), ip4(10, 0, 0, 2), 1,
                icmp(3, 3, 0, Arrays.copyOf(quotedUdp, 28))));
        Tuple quoted = new Tuple(17, IpAddress.v4(ip4(10, 0, 0, 2)), 33000, IpAddress.v4(ip4(10, 0, 0, 9)), 33434);
        assertEquals(Optional.of(quoted), error.ipPacket().quoted());
        assertEquals(Optional.of(quoted), error.summary().quoted());
        assertTrue(error.ipPacket().isIcmpError());
        assertEquals(Optional.empty(), error.ipPacket().withQuoted(Optional.empty()).quoted());
        assertEquals(3, error.summary().icmpCode());
        PacketSummary placed = error.summary().placedOn("eth9", "out");
        assertSame(error.summary().extras(), placed.extras());
        assertEquals(error.summary().info(), placed.info());
    }
}
