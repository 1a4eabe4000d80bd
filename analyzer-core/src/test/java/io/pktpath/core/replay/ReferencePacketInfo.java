package io.pktpath.core.replay;

import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketView;

/** The info text as PacketInfo wrote it before it reused one buffer and cached address texts: the reference the tests hold it to. */
final class ReferencePacketInfo {
    private ReferencePacketInfo() {
    }

    static String describe(PacketView v, int frameLength) {
        if (v.status() == DecodeStatus.NOT_IP) {
            if (v.arpOp() > 0) {
                return "ARP " + (v.arpOp() == 1 ? "who-has " + ip4(v.arpTargetIp()) + " tell " + ip4(v.arpSenderIp())
                        : v.arpOp() == 2 ? ip4(v.arpSenderIp()) + " is-at " + io.pktpath.core.packet.Addresses.formatMac(v.arpSenderMac())
                        : "op " + v.arpOp());
            }
            return String.format("ethertype 0x%04x, length %d", v.etherType(), frameLength);
        }
        if (v.family() != 4 && v.family() != 6) {
            return v.status() + (v.statusMessage() == null || v.statusMessage().isEmpty() ? "" : ": " + v.statusMessage());
        }
        StringBuilder sb = new StringBuilder();
        String src = PacketConverter.source(v).toString();
        String dst = PacketConverter.destination(v).toString();
        switch (v.protocol()) {
            case 6 -> {
                sb.append("TCP ").append(endpoint(src, v.srcPort(), v.family())).append(" > ")
                        .append(endpoint(dst, v.dstPort(), v.family())).append(" [").append(flags(v.tcpFlags())).append(']');
                if (v.seq() >= 0) {
                    sb.append(" seq ").append(v.seq());
                }
                if ((v.tcpFlags() & 0x10) != 0) {
                    sb.append(" ack ").append(v.ack());
                }
                sb.append(" len ").append(Math.max(v.payloadLength(), 0));
            }
            case 17 -> sb.append("UDP ").append(endpoint(src, v.srcPort(), v.family())).append(" > ")
                    .append(endpoint(dst, v.dstPort(), v.family())).append(" len ").append(Math.max(v.payloadLength(), 0));
            case 1, 58 -> {
                sb.append(v.protocol() == 1 ? "ICMP " : "ICMPv6 ").append(src).append(" > ").append(dst).append(' ')
                        .append(IcmpNames.describe(v.protocol(), v.icmpType(), v.icmpCode()));
                boolean tooBig = v.protocol() == 1 ? v.icmpType() == 3 && v.icmpCode() == 4 : v.icmpType() == 2;
                if (tooBig && v.icmpMtu() > 0) {
                    sb.append(" mtu ").append(v.icmpMtu());
                }
                if (v.hasQuoted()) {
                    PacketView q = v.quoted();
                    sb.append(" (quoting ").append(q.protocol() == 6 ? "TCP " : q.protocol() == 17 ? "UDP " : "proto " + q.protocol() + " ")
                            .append(endpoint(PacketConverter.source(q).toString(), q.srcPort(), q.family())).append(" > ")
                            .append(endpoint(PacketConverter.destination(q).toString(), q.dstPort(), q.family())).append(')');
                }
            }
            default -> sb.append("proto ").append(v.protocol()).append(' ').append(src).append(" > ").append(dst);
        }
        if (v.isFragment()) {
            sb.append(" frag off ").append(v.fragmentOffset()).append(v.moreFragments() ? " MF" : "");
        }
        if (v.status() == DecodeStatus.TRUNCATED) {
            sb.append(" (truncated)");
        }
        return sb.toString();
    }

    private static String endpoint(String address, int port, int family) {
        if (port < 0) {
            return address;
        }
        return family == 6 ? "[" + address + "]:" + port : address + ":" + port;
    }

    static String flags(int f) {
        StringBuilder sb = new StringBuilder();
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
        return sb.toString();
    }

    private static String ip4(int bits) {
        return io.pktpath.parser.net.IpAddress.formatV4(bits);
    }
}
