package io.pktpath.core.packet;

import static io.pktpath.core.capture.Bytes.i32;
import static io.pktpath.core.capture.Bytes.i64;
import static io.pktpath.core.capture.Bytes.u16;
import static io.pktpath.core.capture.Bytes.u8;

/**
 * IPv4 (RFC 791, options and fragments) and IPv6 (RFC 8200, extension headers and fragment header) decoding.
 * In quoted mode (the header inside an ICMP error) a packet shorter than its declared length is expected.
 */
final class IpDecoder {
    private static final int MAX_EXTENSION_HEADERS = 16;

    private IpDecoder() {
    }

    static void ipv4(byte[] a, int p, int end, boolean cut, PacketView v, boolean quoted) {
        int have = end - p;
        if (have < 20) {
            v.problem(DecodeStatus.TRUNCATED, "truncated IPv4 header (needed 20 bytes, have " + Math.max(have, 0) + ")");
            return;
        }
        int version = u8(a, p) >>> 4;
        int ihl = (u8(a, p) & 0xf) * 4;
        if (version != 4) {
            v.problem(DecodeStatus.MALFORMED, "IP version " + version + " in an IPv4 header");
            return;
        }
        if (ihl < 20) {
            v.problem(DecodeStatus.MALFORMED, "IPv4 header length " + ihl + " is below 20");
            return;
        }
        v.family = 4;
        v.tos = u8(a, p + 1);
        v.ipTotalLength = u16(a, p + 2);
        v.ipId = u16(a, p + 4);
        int frag = u16(a, p + 6);
        v.dontFragment = (frag & 0x4000) != 0;
        v.moreFragments = (frag & 0x2000) != 0;
        v.fragmentOffset = (frag & 0x1fff) * 8;
        v.fragment = v.moreFragments || v.fragmentOffset > 0;
        v.ttl = u8(a, p + 8);
        v.protocol = u8(a, p + 9);
        v.src4 = i32(a, p + 12);
        v.dst4 = i32(a, p + 16);
        v.ipHeaderLength = ihl;
        if (ihl > have) {
            v.problem(DecodeStatus.TRUNCATED, "truncated IPv4 options (needed " + ihl + " bytes, have " + have + ")");
            return;
        }
        int total = v.ipTotalLength;
        if (total == 0 && !quoted) {
            total = have;
        } else if (total < ihl) {
            v.problem(DecodeStatus.MALFORMED, "IPv4 total length " + total + " is smaller than its header length " + ihl);
            return;
        }
        int declaredEnd = p + total;
        int l4End = checkLength(declaredEnd, end, cut, v, quoted, "IPv4", total, have);
        if (v.fragmentOffset == 0) {
            TransportDecoder.decode(a, p + ihl, l4End, declaredEnd, cut, v, quoted);
        }
    }

    static void ipv6(byte[] a, int p, int end, boolean cut, PacketView v, boolean quoted) {
        int have = end - p;
        if (have < 40) {
            v.problem(DecodeStatus.TRUNCATED, "truncated IPv6 header (needed 40 bytes, have " + Math.max(have, 0) + ")");
            return;
        }
        int version = u8(a, p) >>> 4;
        if (version != 6) {
            v.problem(DecodeStatus.MALFORMED, "IP version " + version + " in an IPv6 header");
            return;
        }
        v.family = 6;
        v.tos = (u16(a, p) >>> 4) & 0xff;
        int payloadLength = u16(a, p + 4);
        v.ipTotalLength = payloadLength + 40;
        v.ttl = u8(a, p + 7);
        v.srcHi = i64(a, p + 8);
        v.srcLo = i64(a, p + 16);
        v.dstHi = i64(a, p + 24);
        v.dstLo = i64(a, p + 32);
        int declaredEnd = p + 40 + payloadLength;
        int l4End = checkLength(declaredEnd, end, cut, v, quoted, "IPv6", v.ipTotalLength, have);
        extensions(a, p, u8(a, p + 6), l4End, declaredEnd, cut, v, quoted);
    }

    private static void extensions(byte[] a, int ip, int next, int end, int declaredEnd, boolean cut, PacketView v,
                                   boolean quoted) {
        int q = ip + 40;
        for (int n = 0; n < MAX_EXTENSION_HEADERS; n++) {
            int len;
            switch (next) {
                case 0, 43, 60 -> len = end - q >= 2 ? (u8(a, q + 1) + 1) * 8 : 2;
                case 51 -> len = end - q >= 2 ? (u8(a, q + 1) + 2) * 4 : 2;
                case 44 -> len = 8;
                default -> {
                    v.protocol = next;
                    v.ipHeaderLength = q - ip;
                    if (!v.fragment || v.fragmentOffset == 0) {
                        TransportDecoder.decode(a, q, end, declaredEnd, cut, v, quoted);
                    }
                    return;
                }
            }
            if (end - q < len) {
                v.protocol = next;
                v.problem(DecodeStatus.TRUNCATED, "truncated IPv6 extension header " + next + " (needed " + len
                        + " bytes, have " + Math.max(end - q, 0) + ")");
                return;
            }
            if (next == 44) {
                int off = u16(a, q + 2);
                v.fragment = true;
                v.fragmentOffset = off & 0xfff8;
                v.moreFragments = (off & 1) != 0;
                v.ipId = i32(a, q + 4);
            }
            next = u8(a, q);
            q += len;
        }
        v.protocol = next;
        v.problem(DecodeStatus.MALFORMED, "more than " + MAX_EXTENSION_HEADERS + " IPv6 extension headers");
    }

    /** Returns where the L4 bytes end; reports a packet shorter than its declared length unless that is expected. */
    private static int checkLength(int declaredEnd, int end, boolean cut, PacketView v, boolean quoted, String ip,
                                   int total, int have) {
        if (declaredEnd <= end) {
            return declaredEnd;
        }
        v.payloadCut = true;
        if (!cut && !quoted) {
            v.problem(DecodeStatus.TRUNCATED, "truncated " + ip + " packet (needed " + total + " bytes, have "
                    + have + ")");
        }
        return end;
    }
}
