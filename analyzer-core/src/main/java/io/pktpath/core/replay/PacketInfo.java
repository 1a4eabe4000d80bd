package io.pktpath.core.replay;

import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketView;

/**
 * A short tcpdump-like description of a decoded frame, e.g. {@code TCP 10.0.0.1:40000 > 10.96.0.10:80 [S] seq 1 len 0},
 * written into one reused buffer (an instance serves one thread).
 */
final class PacketInfo {
    private final StringBuilder sb = new StringBuilder(160);

    /**
     * The description of {@code v}; {@code src} and {@code dst} are the text of its outer addresses when it is IPv4 or
     * IPv6 (ignored otherwise).
     */
    String describe(PacketView v, int frameLength, String src, String dst) {
        if (v.status() == DecodeStatus.NOT_IP) {
            if (v.arpOp() > 0) {
                return "ARP " + (v.arpOp() == 1 ? "who-has " + ip4(v.arpTargetIp()) + " tell " + ip4(v.arpSenderIp())
                        : v.arpOp() == 2 ? ip4(v.arpSenderIp()) + " is-at" : "op " + v.arpOp());
            }
            return String.format("ethertype 0x%04x, length %d", v.etherType(), frameLength);
        }
        if (v.family() != 4 && v.family() != 6) {
            return v.status() + (v.statusMessage() == null || v.statusMessage().isEmpty() ? "" : ": " + v.statusMessage());
        }
        StringBuilder sb = this.sb;
        sb.setLength(0);
        switch (v.protocol()) {
            case 6 -> {
                sb.append("TCP ");
                endpoint(sb, src, v.srcPort(), v.family()).append(" > ");
                endpoint(sb, dst, v.dstPort(), v.family()).append(" [");
                flags(sb, v.tcpFlags()).append(']');
                if (v.seq() >= 0) {
                    sb.append(" seq ").append(v.seq());
                }
                if ((v.tcpFlags() & 0x10) != 0) {
                    sb.append(" ack ").append(v.ack());
                }
                sb.append(" len ").append(Math.max(v.payloadLength(), 0));
            }
            case 17 -> {
                sb.append("UDP ");
                endpoint(sb, src, v.srcPort(), v.family()).append(" > ");
                endpoint(sb, dst, v.dstPort(), v.family()).append(" len ").append(Math.max(v.payloadLength(), 0));
            }
            case 1, 58 -> icmp(sb, v, src, dst);
            default -> sb.append("proto ").append(v.protocol()).append(' ').append(src).append(" > ").append(dst);
        }
        if (v.isFragment()) {
            sb.append(" frag off ").append(v.fragmentOffset());
            if (v.moreFragments()) {
                sb.append(" MF");
            }
        }
        if (v.status() == DecodeStatus.TRUNCATED) {
            sb.append(" (truncated)");
        }
        return sb.toString();
    }

    private static void icmp(StringBuilder sb, PacketView v, String src, String dst) {
        sb.append(v.protocol() == 1 ? "ICMP " : "ICMPv6 ").append(src).append(" > ").append(dst).append(' ')
                .append(IcmpNames.describe(v.protocol(), v.icmpType(), v.icmpCode()));
        boolean tooBig = v.protocol() == 1 ? v.icmpType() == 3 && v.icmpCode() == 4 : v.icmpType() == 2;
        if (tooBig && v.icmpMtu() > 0) {
            sb.append(" mtu ").append(v.icmpMtu());
        }
        if (v.hasQuoted()) {
            PacketView q = v.quoted();
            sb.append(" (quoting ");
            if (q.protocol() == 6) {
                sb.append("TCP ");
            } else if (q.protocol() == 17) {
                sb.append("UDP ");
            } else {
                sb.append("proto ").append(q.protocol()).append(' ');
            }
            endpoint(sb, PacketConverter.source(q).toString(), q.srcPort(), q.family()).append(" > ");
            endpoint(sb, PacketConverter.destination(q).toString(), q.dstPort(), q.family()).append(')');
        }
    }

    /** {@code address}, {@code address:port} or {@code [address]:port} (IPv6). */
    private static StringBuilder endpoint(StringBuilder sb, String address, int port, int family) {
        if (port < 0) {
            return sb.append(address);
        }
        if (family == 6) {
            return sb.append('[').append(address).append("]:").append(port);
        }
        return sb.append(address).append(':').append(port);
    }

    /** Appends the TCP flags tcpdump-style: S, F, R, P, U, then {@code .} for ACK. */
    private static StringBuilder flags(StringBuilder sb, int f) {
        if ((f & 0x02) != 0) {
            sb.append('S');
        }
        if ((f & 0x01) != 0) {
            sb.append('F');
        }
        if ((f & 0x04) != 0) {
            sb.append('R');
        }
        if ((f & 0x08) != 0) {
            sb.append('P');
        }
        if ((f & 0x20) != 0) {
            sb.append('U');
        }
        if ((f & 0x10) != 0) {
            sb.append('.');
        }
        return sb;
    }

    private static String ip4(int bits) {
        return io.pktpath.parser.net.IpAddress.formatV4(bits);
    }
}
