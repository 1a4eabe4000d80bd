package io.pktpath.core.packet;

import static io.pktpath.core.capture.Bytes.i32;
import static io.pktpath.core.capture.Bytes.u16;
import static io.pktpath.core.capture.Bytes.u8;

import io.pktpath.core.capture.LinkType;

/** UDP tunnels whose inner Ethernet frame is decoded one level deep: VXLAN (RFC 7348) and Geneve (RFC 8926). */
final class Tunnels {
    static final int VXLAN_PORT = 4789;
    static final int VXLAN_LINUX_PORT = 8472;
    static final int GENEVE_PORT = 6081;
    private static final int TRANSPARENT_ETHERNET = 0x6558;

    private Tunnels() {
    }

    /** Decodes a tunnel carried in the UDP payload at {@code p}, if the destination port names one. */
    static void udp(byte[] a, int p, int end, boolean cut, PacketView v) {
        int port = v.dstPort;
        if (port == VXLAN_PORT || port == VXLAN_LINUX_PORT) {
            vxlan(a, p, end, cut, v);
        } else if (port == GENEVE_PORT) {
            geneve(a, p, end, cut, v);
        }
    }

    private static void vxlan(byte[] a, int p, int end, boolean cut, PacketView v) {
        v.tunnel = TunnelType.VXLAN;
        PacketView in = v.innerForDecode();
        in.linkType = LinkType.ETHERNET;
        if (end - p < 8) {
            in.problem(DecodeStatus.TRUNCATED, "truncated VXLAN header (needed 8 bytes, have " + Math.max(end - p, 0) + ")");
            return;
        }
        v.vni = i32(a, p + 4) >>> 8;
        LinkDecoder.ethernet(a, p + 8, end, cut, in);
    }

    private static void geneve(byte[] a, int p, int end, boolean cut, PacketView v) {
        v.tunnel = TunnelType.GENEVE;
        PacketView in = v.innerForDecode();
        in.linkType = LinkType.ETHERNET;
        if (end - p < 8) {
            in.problem(DecodeStatus.TRUNCATED, "truncated Geneve header (needed 8 bytes, have " + Math.max(end - p, 0) + ")");
            return;
        }
        int version = u8(a, p) >>> 6;
        int optionBytes = (u8(a, p) & 0x3f) * 4;
        int protocol = u16(a, p + 2);
        v.vni = i32(a, p + 4) >>> 8;
        if (version != 0) {
            in.problem(DecodeStatus.MALFORMED, "Geneve version " + version + " (expected 0)");
            return;
        }
        int q = p + 8 + optionBytes;
        if (q > end) {
            in.problem(DecodeStatus.TRUNCATED, "truncated Geneve options (needed " + (8 + optionBytes) + " bytes, have "
                    + (end - p) + ")");
            return;
        }
        if (protocol == TRANSPARENT_ETHERNET) {
            LinkDecoder.ethernet(a, q, end, cut, in);
        } else {
            in.linkType = -1;
            LinkDecoder.etherPayload(a, q, end, protocol, cut, in);
        }
    }
}
