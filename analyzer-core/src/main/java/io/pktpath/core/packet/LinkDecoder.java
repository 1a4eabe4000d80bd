package io.pktpath.core.packet;

import static io.pktpath.core.capture.Bytes.i32;
import static io.pktpath.core.capture.Bytes.u16;
import static io.pktpath.core.capture.Bytes.u8;

import io.pktpath.core.capture.LinkType;

/** Link-layer headers: Ethernet with 802.1Q/802.1ad tags, Linux SLL and SLL2, BSD loopback, raw IP. */
final class LinkDecoder {
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_IPV6 = 0x86dd;
    static final int ETH_ARP = 0x0806;

    private LinkDecoder() {
    }

    static void decode(byte[] a, int p, int end, int linkType, boolean cut, PacketView v) {
        switch (linkType) {
            case LinkType.ETHERNET -> ethernet(a, p, end, cut, v);
            case LinkType.LINUX_SLL -> sll(a, p, end, cut, v);
            case LinkType.LINUX_SLL2 -> sll2(a, p, end, cut, v);
            case LinkType.NULL, LinkType.LOOP -> loopback(a, p, end, cut, v);
            case LinkType.RAW, LinkType.RAW_12, LinkType.RAW_14 -> rawIp(a, p, end, cut, v, 0);
            case LinkType.IPV4 -> rawIp(a, p, end, cut, v, 4);
            case LinkType.IPV6 -> rawIp(a, p, end, cut, v, 6);
            default -> v.problem(DecodeStatus.UNSUPPORTED_LINKTYPE, PacketDecoder.unsupported(linkType));
        }
    }

    static void ethernet(byte[] a, int p, int end, boolean cut, PacketView v) {
        if (end - p < 14) {
            v.problem(DecodeStatus.TRUNCATED, "truncated Ethernet header (needed 14 bytes, have " + (end - p) + ")");
            return;
        }
        v.linkDst = mac(a, p);
        v.linkSrc = mac(a, p + 6);
        etherPayload(a, p + 14, end, u16(a, p + 12), cut, v);
    }

    private static void sll(byte[] a, int p, int end, boolean cut, PacketView v) {
        if (end - p < 16) {
            v.problem(DecodeStatus.TRUNCATED, "truncated Linux SLL header (needed 16 bytes, have " + (end - p) + ")");
            return;
        }
        v.sllPacketType = u16(a, p);
        if (u16(a, p + 4) == 6) {
            v.linkSrc = mac(a, p + 6);
        }
        etherPayload(a, p + 16, end, u16(a, p + 14), cut, v);
    }

    private static void sll2(byte[] a, int p, int end, boolean cut, PacketView v) {
        if (end - p < 20) {
            v.problem(DecodeStatus.TRUNCATED, "truncated Linux SLL2 header (needed 20 bytes, have " + (end - p) + ")");
            return;
        }
        v.sllIfindex = i32(a, p + 4);
        v.sllPacketType = u8(a, p + 10);
        if (u8(a, p + 11) == 6) {
            v.linkSrc = mac(a, p + 12);
        }
        etherPayload(a, p + 20, end, u16(a, p), cut, v);
    }

    private static void loopback(byte[] a, int p, int end, boolean cut, PacketView v) {
        if (end - p < 4) {
            v.problem(DecodeStatus.TRUNCATED, "truncated loopback header (needed 4 bytes, have " + (end - p) + ")");
            return;
        }
        int be = i32(a, p);
        int family = be == 2 || Integer.reverseBytes(be) == 2 ? 4 : isInet6(be) || isInet6(Integer.reverseBytes(be)) ? 6 : 0;
        if (family == 0) {
            v.problem(DecodeStatus.NOT_IP, "loopback address family " + be + " is not IP");
            return;
        }
        rawIp(a, p + 4, end, cut, v, family);
    }

    private static boolean isInet6(int family) {
        return family == 24 || family == 28 || family == 30 || family == 10;
    }

    private static void rawIp(byte[] a, int p, int end, boolean cut, PacketView v, int expected) {
        if (end - p < 1) {
            v.problem(DecodeStatus.TRUNCATED, "truncated IP header (needed 1 byte, have 0)");
            return;
        }
        int version = u8(a, p) >>> 4;
        if (expected != 0 && version != expected) {
            v.problem(DecodeStatus.MALFORMED, "IP version " + version + " in a LINKTYPE_IPV" + expected + " frame");
            return;
        }
        ipByVersion(a, p, end, cut, v, version);
    }

    static void ipByVersion(byte[] a, int p, int end, boolean cut, PacketView v, int version) {
        if (version == 4) {
            IpDecoder.ipv4(a, p, end, cut, v, false);
        } else if (version == 6) {
            IpDecoder.ipv6(a, p, end, cut, v, false);
        } else {
            v.problem(DecodeStatus.MALFORMED, "IP version " + version + " is neither 4 nor 6");
        }
    }

    /** Skips VLAN tags, then decodes the network layer named by {@code type}. */
    static void etherPayload(byte[] a, int p, int end, int type, boolean cut, PacketView v) {
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            if (end - p < 4) {
                v.problem(DecodeStatus.TRUNCATED, "truncated VLAN tag (needed 4 bytes, have " + (end - p) + ")");
                return;
            }
            if (v.vlanCount < v.vlanIds.length) {
                v.vlanIds[v.vlanCount] = u16(a, p) & 0xfff;
            }
            v.vlanCount++;
            type = u16(a, p + 2);
            p += 4;
        }
        v.etherType = type;
        switch (type) {
            case ETH_IPV4 -> IpDecoder.ipv4(a, p, end, cut, v, false);
            case ETH_IPV6 -> IpDecoder.ipv6(a, p, end, cut, v, false);
            case ETH_ARP -> arp(a, p, end, v);
            default -> v.problem(DecodeStatus.NOT_IP, notIp(type));
        }
    }

    private static String notIp(int type) {
        String name = switch (type) {
            case 0x88cc -> "LLDP";
            case 0x8035 -> "RARP";
            case 0x88e5 -> "MACsec";
            case 0x8863, 0x8864 -> "PPPoE";
            case 0x8847, 0x8848 -> "MPLS";
            default -> type < 0x600 ? "802.3 length field" : "unknown";
        };
        return String.format("ethertype 0x%04x (%s) is not IP", type, name);
    }

    private static void arp(byte[] a, int p, int end, PacketView v) {
        if (end - p < 8) {
            v.problem(DecodeStatus.TRUNCATED, "truncated ARP header (needed 8 bytes, have " + (end - p) + ")");
            return;
        }
        int hlen = u8(a, p + 4);
        int plen = u8(a, p + 5);
        v.arpOp = u16(a, p + 6);
        if (hlen != 6 || plen != 4) {
            v.problem(DecodeStatus.NOT_IP, "ARP with hardware length " + hlen + " and protocol length " + plen);
            return;
        }
        if (end - p < 28) {
            v.problem(DecodeStatus.TRUNCATED, "truncated ARP packet (needed 28 bytes, have " + (end - p) + ")");
            return;
        }
        v.arpSenderMac = mac(a, p + 8);
        v.arpSenderIp = i32(a, p + 14);
        v.arpTargetMac = mac(a, p + 18);
        v.arpTargetIp = i32(a, p + 24);
        v.problem(DecodeStatus.NOT_IP, v.arpOp == 1 ? "ARP request" : v.arpOp == 2 ? "ARP reply" : "ARP op " + v.arpOp);
    }

    static long mac(byte[] a, int p) {
        return (long) u16(a, p) << 32 | i32(a, p + 2) & 0xffffffffL;
    }
}
