package io.pktpath.core.packet;

import static io.pktpath.core.capture.Bytes.u16;
import static io.pktpath.core.capture.Bytes.u8;

/** ICMP (RFC 792) and ICMPv6 (RFC 4443): type, code, echo id/sequence, MTU, and the IP header an error quotes. */
final class IcmpDecoder {
    private IcmpDecoder() {
    }

    static void decode(byte[] a, int p, int end, boolean cut, PacketView v, boolean quoted) {
        int have = end - p;
        boolean v6 = v.protocol == TransportDecoder.ICMPV6;
        String name = v6 ? "ICMPv6" : "ICMP";
        if (have < 4 || (!quoted && have < 8)) {
            v.problem(DecodeStatus.TRUNCATED, "truncated " + name + " header (needed " + (quoted ? 4 : 8)
                    + " bytes, have " + Math.max(have, 0) + ")");
            if (have >= 2) {
                v.icmpType = u8(a, p);
                v.icmpCode = u8(a, p + 1);
            }
            return;
        }
        v.icmpType = u8(a, p);
        v.icmpCode = u8(a, p + 1);
        if (have < 8) {
            return;
        }
        if (isEcho(v6, v.icmpType)) {
            v.icmpId = u16(a, p + 4);
            v.icmpSeq = u16(a, p + 6);
            v.srcPort = v.icmpId;
            v.dstPort = v.icmpId;
        }
        boolean error = v6 ? v.icmpType >= 1 && v.icmpType <= 4 : isV4Error(v.icmpType);
        if (v6 && v.icmpType == 2) {
            v.icmpMtu = (int) (io.pktpath.core.capture.Bytes.i32(a, p + 4) & 0x7fffffffL);
        } else if (!v6 && v.icmpType == 3 && v.icmpCode == 4) {
            v.icmpMtu = u16(a, p + 6);
        }
        TransportDecoder.setPayload(v, p + 8, end);
        if (error && !quoted && v.quoted != null) {
            quote(a, p + 8, end, cut, v.quotedForDecode(), v6);
        }
    }

    private static boolean isEcho(boolean v6, int type) {
        return v6 ? type == 128 || type == 129 : type == 0 || type == 8 || type == 13 || type == 14;
    }

    private static boolean isV4Error(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    private static void quote(byte[] a, int p, int end, boolean cut, PacketView q, boolean v6) {
        q.linkType = -1;
        if (end - p < 1) {
            q.problem(DecodeStatus.TRUNCATED, "ICMP error quotes no IP header (needed 20 bytes, have 0)");
            return;
        }
        int version = u8(a, p) >>> 4;
        if (v6) {
            IpDecoder.ipv6(a, p, end, cut, q, true);
        } else if (version == 4) {
            IpDecoder.ipv4(a, p, end, cut, q, true);
        } else {
            q.problem(DecodeStatus.MALFORMED, "ICMP error quotes IP version " + version);
        }
    }
}
