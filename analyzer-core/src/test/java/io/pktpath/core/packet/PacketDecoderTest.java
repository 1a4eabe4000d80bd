package io.pktpath.core.packet;

import static io.pktpath.core.packet.Frames.MAC_A;
import static io.pktpath.core.packet.Frames.MAC_B;
import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.LinkType;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private static final int A = ip4(10, 0, 0, 1);
    private static final int B = ip4(192, 168, 1, 2);
    private static final long V6_HI = 0x20010db800000000L;
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView();

    private PacketView decode(byte[] frame, int linkType) {
        return decoder.decode(frame, 0, frame.length, frame.length, linkType, view);
    }

    private static DecodedPacket.Link eth(int etherType, List<Integer> vlans) {
        return new DecodedPacket.Link(LinkType.ETHERNET, MAC_A, MAC_B, etherType, vlans, vlans.size(), -1, -1);
    }

    private static DecodedPacket.Ip ip(int protocol, int totalLength, int headerLength) {
        return new DecodedPacket.Ip(4, protocol, IpAddress.v4(A), IpAddress.v4(B), 0x10, 0x1234, 64,
                totalLength, headerLength, true, false, 0, false, false, false);
    }

    private static final DecodedPacket.Transport NO_TRANSPORT =
            new DecodedPacket.Transport(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1);

    @Test
    void ethernetIpv4TcpWithMssDecodesEveryField() {
        byte[] tcp = Frames.tcp(40000, 443, 0xfffffff0L, 7, 0x02, 64240, 1460, Frames.bytes(5));
        byte[] frame = Frames.ethernet(MAC_B, MAC_A, 0x0800, Frames.ipv4(A, B, 6, tcp));
        DecodedPacket expected = new DecodedPacket(DecodeStatus.OK, "", eth(0x0800, List.of()),
                Optional.of(ip(6, 20 + 28 + 5, 20)),
                new DecodedPacket.Transport(40000, 443, 0x02, 0xfffffff0L, 7, 64240, 28, 1460, 14 + 20 + 28, 5),
                Optional.empty(), Optional.empty(), TunnelType.NONE, -1, Optional.empty(), Optional.empty());
        assertEquals(expected, decode(frame, LinkType.ETHERNET).snapshot());
    }

    @Test
    void qinqTagsAreSkippedAndRecorded() {
        byte[] udp = Frames.udp(53, 5353, Frames.bytes(3));
        byte[] frame = Frames.tagged(MAC_B, MAC_A, new int[] {0x88a8, 100, 0x8100, 0x2000 | 200}, 0x0800,
                Frames.ipv4(A, B, 17, udp));
        DecodedPacket expected = new DecodedPacket(DecodeStatus.OK, "", eth(0x0800, List.of(100, 200)),
                Optional.of(ip(17, 31, 20)), new DecodedPacket.Transport(53, 5353, -1, -1, -1, -1, -1, -1, 14 + 8 + 28, 3),
                Optional.empty(), Optional.empty(), TunnelType.NONE, -1, Optional.empty(), Optional.empty());
        assertEquals(expected, decode(frame, LinkType.ETHERNET).snapshot());
    }

    @Test
    void tripleTagWith9100CountsThreeKeepsTwo() {
        byte[] frame = Frames.tagged(MAC_B, MAC_A, new int[] {0x9100, 1, 0x88a8, 2, 0x8100, 3}, 0x0800,
                Frames.ipv4(A, B, 17, Frames.udp(1, 2, new byte[0])));
        PacketView v = decode(frame, LinkType.ETHERNET);
        assertEquals(3, v.vlanCount());
        assertEquals(1, v.vlanId(0));
        assertEquals(2, v.vlanId(1));
        assertEquals(DecodeStatus.OK, v.status());
        assertEquals(1, v.srcPort());
    }

    @Test
    void ipv4OptionsAndFragments() {
        byte[] options = {(byte) 0x94, 4, 0, 0};
        byte[] first = Frames.ipv4(A, B, 17, 77, 5, 0x2000, options, Frames.udp(1000, 2000, Frames.bytes(16)));
        PacketView v = decode(first, LinkType.RAW);
        assertEquals(24, v.ipHeaderLength());
        assertTrue(v.isFragment());
        assertTrue(v.isFirstFragment());
        assertTrue(v.moreFragments());
        assertFalse(v.dontFragment());
        assertEquals(0, v.fragmentOffset());
        assertEquals(77, v.ipId());
        assertEquals(5, v.ttl());
        assertEquals(1000, v.srcPort());
        assertEquals(2000, v.dstPort());

        byte[] later = Frames.ipv4(A, B, 17, 77, 5, 3, new byte[0], Frames.bytes(8));
        v = decode(later, LinkType.IPV4);
        assertTrue(v.isFragment());
        assertFalse(v.isFirstFragment());
        assertFalse(v.moreFragments());
        assertEquals(24, v.fragmentOffset());
        assertEquals(-1, v.srcPort());
        assertEquals(-1, v.dstPort());
        assertEquals(28, v.ipTotalLength());
        assertEquals(DecodeStatus.OK, v.status());
    }

    @Test
    void ipv6ExtensionHeadersAndFragmentReachTransport() {
        byte[] chain = concat(Frames.optionsHeader(43), Frames.optionsHeader(60), Frames.optionsHeader(44),
                Frames.fragmentHeader(6, 0, true, 0xabcdef01));
        byte[] tcp = Frames.tcp(22, 50000, 1, 2, 0x18, 1000, -1, Frames.bytes(10));
        byte[] pkt = Frames.ipv6(V6_HI, 1, V6_HI, 2, 0, 7, chain, tcp);
        PacketView v = decode(Frames.ethernet(MAC_B, MAC_A, 0x86dd, pkt), LinkType.ETHERNET);
        DecodedPacket.Ip expectedIp = new DecodedPacket.Ip(6, 6, IpAddress.v6(V6_HI, 1), IpAddress.v6(V6_HI, 2),
                0x2a, 0xabcdef01, 7, 40 + 32 + 30, 72, false, true, 0, true, true, false);
        assertEquals(Optional.of(expectedIp), v.snapshot().ip());
        assertEquals(new DecodedPacket.Transport(22, 50000, 0x18, 1, 2, 1000, 20, -1, 14 + 72 + 20, 10),
                v.snapshot().transport());
        assertEquals("2001:db8::1", v.snapshot().ip().orElseThrow().src().toString());

        byte[] later = Frames.ipv6(V6_HI, 1, V6_HI, 2, 44, 7, Frames.fragmentHeader(6, 1232, false, 9), Frames.bytes(8));
        v = decode(later, LinkType.IPV6);
        assertTrue(v.isFragment());
        assertEquals(1232, v.fragmentOffset());
        assertEquals(-1, v.srcPort());
        assertEquals(6, v.protocol());
        assertEquals(9, v.ipId());
    }

    @Test
    void icmpErrorQuotesTheOriginalUdpHeader() {
        byte[] original = Frames.ipv4(B, A, 17, Frames.udp(33434, 53, Frames.bytes(20)));
        byte[] quote = java.util.Arrays.copyOf(original, 28);
        byte[] frame = Frames.ethernet(MAC_B, MAC_A, 0x0800, Frames.ipv4(A, B, 1, Frames.icmp(3, 4, 1400, quote)));
        DecodedPacket p = decode(frame, LinkType.ETHERNET).snapshot();
        assertEquals(Optional.of(new DecodedPacket.Icmp(3, 4, -1, -1, 1400)), p.icmp());
        DecodedPacket q = p.quoted().orElseThrow();
        assertEquals(DecodeStatus.OK, q.status());
        assertEquals(IpAddress.v4(B), q.ip().orElseThrow().src());
        assertEquals(IpAddress.v4(A), q.ip().orElseThrow().dst());
        assertEquals(17, q.ip().orElseThrow().protocol());
        assertTrue(q.ip().orElseThrow().payloadCut());
        assertEquals(33434, q.transport().srcPort());
        assertEquals(53, q.transport().dstPort());
    }

    @Test
    void icmpErrorQuotingTcpGivesPortsAndSequence() {
        byte[] original = Frames.ipv4(B, A, 6, Frames.tcp(1234, 80, 99, 0, 2, 100, -1, new byte[0]));
        byte[] frame = Frames.ipv4(A, B, 1, Frames.icmp(11, 0, 0, java.util.Arrays.copyOf(original, 28)));
        PacketView v = decode(frame, LinkType.RAW);
        assertTrue(v.hasQuoted());
        assertEquals(1234, v.quoted().srcPort());
        assertEquals(80, v.quoted().dstPort());
        assertEquals(99, v.quoted().seq());
        assertEquals(DecodeStatus.OK, v.quoted().status());
    }

    @Test
    void icmpEchoIdAndIcmpv6Errors() {
        PacketView v = decode(Frames.ipv4(A, B, 1, Frames.icmp(8, 0, 0x00420007, Frames.bytes(4))), LinkType.RAW);
        assertEquals(8, v.icmpType());
        assertEquals(0x42, v.icmpId());
        assertEquals(7, v.icmpSeq());
        assertFalse(v.hasQuoted());

        byte[] inner = Frames.ipv6(V6_HI, 2, V6_HI, 1, 60, 64, Frames.optionsHeader(17), Frames.udp(5000, 6000, Frames.bytes(4)));
        byte[] outer = Frames.ipv6(V6_HI, 1, V6_HI, 2, 58, 64, new byte[0], Frames.icmp(2, 0, 1280, inner));
        v = decode(outer, LinkType.RAW);
        assertEquals(2, v.icmpType());
        assertEquals(1280, v.icmpMtu());
        assertEquals(6, v.quoted().family());
        assertEquals(17, v.quoted().protocol());
        assertEquals(5000, v.quoted().srcPort());
        assertEquals(6000, v.quoted().dstPort());
        assertEquals(2, v.quoted().srcLo());

        v = decode(Frames.ipv6(V6_HI, 1, V6_HI, 2, 58, 64, new byte[0], Frames.icmp(128, 0, 0x00090001, new byte[0])),
                LinkType.IPV6);
        assertEquals(9, v.icmpId());
        assertEquals(1, v.icmpSeq());
    }

    @Test
    void sctpPortsAndArpFields() {
        PacketView v = decode(Frames.ipv4(A, B, 132, Frames.sctp(36412, 38412, 5)), LinkType.RAW);
        assertEquals(36412, v.srcPort());
        assertEquals(38412, v.dstPort());
        assertEquals(DecodeStatus.OK, v.status());

        byte[] frame = Frames.ethernet(-1L & 0xffffffffffffL, MAC_A, 0x0806, Frames.arp(1, MAC_A, A, 0, B));
        DecodedPacket p = decode(frame, LinkType.ETHERNET).snapshot();
        assertEquals(DecodeStatus.NOT_IP, p.status());
        assertEquals("ARP request", p.statusMessage());
        assertEquals(Optional.of(new DecodedPacket.Arp(1, MAC_A, IpAddress.v4(A), 0, IpAddress.v4(B))), p.arp());
        assertEquals("ff:ff:ff:ff:ff:ff", Addresses.formatMac(p.link().dst()));
    }

    @Test
    void vxlanAndGeneveInnerFramesAreDecoded() {
        byte[] innerEth = Frames.ethernet(MAC_A, MAC_B, 0x0800, Frames.ipv4(B, A, 6,
                Frames.tcp(8080, 1234, 5, 6, 0x10, 10, -1, new byte[0])));
        for (int port : new int[] {4789, 8472}) {
            PacketView v = decode(Frames.ipv4(A, B, 17, Frames.udp(40000, port, Frames.vxlan(4242, innerEth))),
                    LinkType.RAW);
            assertEquals(TunnelType.VXLAN, v.tunnel());
            assertEquals(4242, v.vni());
            assertEquals(DecodeStatus.OK, v.inner().status());
            assertEquals(MAC_B, v.inner().linkSrc());
            assertEquals(B, v.inner().src4());
            assertEquals(8080, v.inner().srcPort());
            assertEquals(0x10, v.inner().tcpFlags());
        }
        PacketView v = decode(Frames.ipv4(A, B, 17, Frames.udp(40000, 6081, Frames.geneve(77, innerEth))),
                LinkType.RAW);
        assertEquals(TunnelType.GENEVE, v.tunnel());
        assertEquals(77, v.vni());
        assertEquals(1234, v.inner().dstPort());
        assertEquals(LinkType.ETHERNET, v.snapshot().inner().orElseThrow().link().linkType());
    }

    @Test
    void ipInIpDecodesTheInnerPacket() {
        byte[] inner = Frames.ipv4(B, A, 17, Frames.udp(7, 9, new byte[0]));
        PacketView v = decode(Frames.ipv4(A, B, 4, inner), LinkType.RAW);
        assertEquals(TunnelType.IPIP, v.tunnel());
        assertEquals(9, v.inner().dstPort());
    }

    @Test
    void cookedAndLoopbackHeaders() {
        byte[] ip = Frames.ipv4(A, B, 17, Frames.udp(1, 2, new byte[0]));
        PacketView v = decode(Frames.sll(4, MAC_A, 0x0800, ip), LinkType.LINUX_SLL);
        assertEquals(4, v.sllPacketType());
        assertEquals(MAC_A, v.linkSrc());
        assertEquals(-1, v.linkDst());
        assertEquals(2, v.dstPort());
        v = decode(Frames.sll2(0x0800, 17, 0, MAC_B, ip), LinkType.LINUX_SLL2);
        assertEquals(17, v.sllIfindex());
        assertEquals(0, v.sllPacketType());
        assertEquals(MAC_B, v.linkSrc());
        assertEquals(A, v.src4());
        for (boolean be : new boolean[] {true, false}) {
            assertEquals(4, decode(Frames.loopback(2, be, ip), LinkType.NULL).family());
            assertEquals(4, decode(Frames.loopback(2, be, ip), LinkType.LOOP).family());
        }
        byte[] v6 = Frames.ipv6(V6_HI, 1, V6_HI, 2, 17, 1, new byte[0], Frames.udp(1, 2, new byte[0]));
        assertEquals(6, decode(Frames.loopback(30, false, v6), LinkType.NULL).family());
        assertEquals(6, decode(v6, LinkType.RAW_12).family());
        assertEquals(4, decode(ip, LinkType.RAW_14).family());
    }

    @Test
    void problemsAreStatusesWithExactMessages() {
        byte[] ip = Frames.ipv4(A, B, 6, Frames.tcp(1, 2, 3, 4, 2, 5, -1, new byte[0]));
        assertStatus(java.util.Arrays.copyOf(ip, 32), LinkType.RAW, DecodeStatus.TRUNCATED,
                "truncated IPv4 packet (needed 40 bytes, have 32)");
        assertStatus(new byte[10], LinkType.ETHERNET, DecodeStatus.TRUNCATED,
                "truncated Ethernet header (needed 14 bytes, have 10)");
        assertStatus(Frames.ipv6(0, 1, 0, 2, 6, 1, new byte[0], new byte[0]), LinkType.IPV4, DecodeStatus.MALFORMED,
                "IP version 6 in a LINKTYPE_IPV4 frame");
        assertStatus(new byte[20], LinkType.NFLOG, DecodeStatus.UNSUPPORTED_LINKTYPE, "not replayable: NFLOG");
        assertStatus(new byte[20], 147, DecodeStatus.UNSUPPORTED_LINKTYPE,
                "link type 147 (LINKTYPE_147) is not supported");
        assertStatus(Frames.ethernet(MAC_B, MAC_A, 0x88cc, new byte[4]), LinkType.ETHERNET, DecodeStatus.NOT_IP,
                "ethertype 0x88cc (LLDP) is not IP");
        byte[] badTcp = Frames.ipv4(A, B, 6, new byte[] {0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 2, 0, 0, 0, 0, 0, 0});
        assertStatus(badTcp, LinkType.RAW, DecodeStatus.MALFORMED, "TCP data offset 12 is below 20");
        byte[] shortTcp = Frames.ipv4(A, B, 6, new byte[12]);
        assertStatus(shortTcp, LinkType.RAW, DecodeStatus.TRUNCATED, "truncated TCP header (needed 20 bytes, have 12)");
    }

    @Test
    void snaplenCutPayloadIsNotAnError() {
        byte[] full = Frames.ipv4(A, B, 17, Frames.udp(1, 2, Frames.bytes(100)));
        PacketView v = decoder.decode(full, 0, 40, full.length, LinkType.RAW, view);
        assertEquals(DecodeStatus.OK, v.status());
        assertTrue(v.payloadCut());
        assertEquals(100, v.payloadLength());
    }

    @Test
    void viewIsResetBetweenFrames() {
        decode(Frames.ipv4(A, B, 6, Frames.tcp(1, 2, 3, 4, 2, 5, 1400, new byte[0])), LinkType.RAW);
        PacketView v = decode(Frames.ipv4(A, B, 17, Frames.udp(1, 2, new byte[0])), LinkType.RAW);
        assertEquals(-1, v.mss());
        assertEquals(-1, v.tcpFlags());
        assertEquals(DecodeStatus.OK, v.status());
    }

    private void assertStatus(byte[] frame, int linkType, DecodeStatus status, String message) {
        PacketView v = decode(frame, linkType);
        assertEquals(status, v.status(), v.statusMessage());
        assertEquals(message, v.statusMessage());
    }

    static byte[] concat(byte[]... parts) {
        Frames.Buf b = new Frames.Buf();
        for (byte[] p : parts) {
            b.bytes(p);
        }
        return b.build();
    }
}
