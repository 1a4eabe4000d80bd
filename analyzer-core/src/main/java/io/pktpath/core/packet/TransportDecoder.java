package io.pktpath.core.packet;

import static io.pktpath.core.capture.Bytes.i32;
import static io.pktpath.core.capture.Bytes.u16;
import static io.pktpath.core.capture.Bytes.u8;

/** TCP (RFC 9293, MSS option), UDP (with VXLAN/Geneve inner frames), SCTP, and IP-in-IP transport decoding. */
final class TransportDecoder {
    static final int ICMP = 1;
    static final int IPIP = 4;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int IPV6_IN_IP = 41;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;

    private TransportDecoder() {
    }

    /** Decodes the transport header at {@code p}; bytes end at {@code end}, the IP header declares {@code declaredEnd}. */
    static void decode(byte[] a, int p, int end, int declaredEnd, boolean cut, PacketView v, boolean quoted) {
        switch (v.protocol) {
            case TCP -> tcp(a, p, end, declaredEnd, v, quoted);
            case UDP -> udp(a, p, end, declaredEnd, cut, v, quoted);
            case SCTP -> sctp(a, p, end, declaredEnd, v);
            case ICMP, ICMPV6 -> IcmpDecoder.decode(a, p, end, cut, v, quoted);
            case IPIP, IPV6_IN_IP -> ipInIp(a, p, end, cut, v, quoted);
            default -> setPayload(v, p, declaredEnd);
        }
    }

    private static void tcp(byte[] a, int p, int end, int declaredEnd, PacketView v, boolean quoted) {
        int have = end - p;
        boolean lenient = quoted || v.moreFragments;
        int needed = lenient ? 8 : 20;
        if (have < needed) {
            v.problem(DecodeStatus.TRUNCATED, "truncated TCP header (needed " + needed + " bytes, have "
                    + Math.max(have, 0) + ")");
            if (have >= 4) {
                ports(a, p, v);
            }
            return;
        }
        ports(a, p, v);
        v.seq = i32(a, p + 4) & 0xffffffffL;
        if (have < 20) {
            return;
        }
        v.ack = i32(a, p + 8) & 0xffffffffL;
        int hl = (u8(a, p + 12) >>> 4) * 4;
        v.tcpFlags = u8(a, p + 13);
        v.window = u16(a, p + 14);
        v.tcpHeaderLength = hl;
        if (hl < 20) {
            v.problem(DecodeStatus.MALFORMED, "TCP data offset " + hl + " is below 20");
            return;
        }
        if (hl > have) {
            if (!lenient) {
                v.problem(DecodeStatus.TRUNCATED, "truncated TCP options (needed " + hl + " bytes, have " + have + ")");
            }
            return;
        }
        options(a, p + 20, p + hl, v);
        setPayload(v, p + hl, declaredEnd);
    }

    private static void options(byte[] a, int q, int end, PacketView v) {
        while (q < end) {
            int kind = u8(a, q);
            if (kind == 0) {
                return;
            }
            if (kind == 1) {
                q++;
                continue;
            }
            int len = q + 1 < end ? u8(a, q + 1) : 0;
            if (len < 2 || q + len > end) {
                v.problem(DecodeStatus.MALFORMED, "TCP option " + kind + " has bad length " + len);
                return;
            }
            if (kind == 2 && len == 4) {
                v.mss = u16(a, q + 2);
            }
            q += len;
        }
    }

    private static void udp(byte[] a, int p, int end, int declaredEnd, boolean cut, PacketView v, boolean quoted) {
        int have = end - p;
        if (have < 8) {
            v.problem(DecodeStatus.TRUNCATED, "truncated UDP header (needed 8 bytes, have " + Math.max(have, 0) + ")");
            if (have >= 4) {
                ports(a, p, v);
            }
            return;
        }
        ports(a, p, v);
        setPayload(v, p + 8, declaredEnd);
        if (!quoted && v.inner != null) {
            Tunnels.udp(a, p + 8, end, cut, v);
        }
    }

    private static void sctp(byte[] a, int p, int end, int declaredEnd, PacketView v) {
        if (end - p < 8) {
            v.problem(DecodeStatus.TRUNCATED, "truncated SCTP header (needed 12 bytes, have " + Math.max(end - p, 0) + ")");
            if (end - p >= 4) {
                ports(a, p, v);
            }
            return;
        }
        ports(a, p, v);
        setPayload(v, p + 12, declaredEnd);
    }

    private static void ipInIp(byte[] a, int p, int end, boolean cut, PacketView v, boolean quoted) {
        setPayload(v, p, end);
        if (quoted || v.inner == null) {
            return;
        }
        v.tunnel = v.protocol == IPIP ? TunnelType.IPIP : TunnelType.IPV6_IN_IP;
        PacketView in = v.inner;
        in.linkType = -1;
        if (end - p < 1) {
            in.problem(DecodeStatus.TRUNCATED, "truncated IP header (needed 1 byte, have 0)");
            return;
        }
        LinkDecoder.ipByVersion(a, p, end, cut, in, u8(a, p) >>> 4);
    }

    static void ports(byte[] a, int p, PacketView v) {
        v.srcPort = u16(a, p);
        v.dstPort = u16(a, p + 2);
    }

    static void setPayload(PacketView v, int from, int declaredEnd) {
        v.payloadOffset = from - v.base;
        v.payloadLength = Math.max(declaredEnd - from, 0);
    }
}
