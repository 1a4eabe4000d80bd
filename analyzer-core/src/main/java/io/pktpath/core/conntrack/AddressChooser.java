package io.pktpath.core.conntrack;

import io.pktpath.parser.net.IpAddress;

/**
 * Picks the member of a NAT address range the way nf_nat_core's {@code find_best_ips_proto} does: {@link Jhash2}
 * over the 16-byte source address field, seeded with the destination's last address word XOR the zone id (0 with
 * --persistent), scaled into the range word by word. Words are read as a little-endian host reads them (x86_64, arm64).
 */
final class AddressChooser {
    private AddressChooser() {
    }

    static IpAddress choose(IpAddress src, IpAddress dst, IpAddress min, IpAddress max, int zone, boolean persistent) {
        int[] key = hostWords(src);
        boolean v4 = src.isV4();
        int last = v4 ? 0 : 3;
        int[] dstWords = hostWords(dst);
        int j = Jhash2.hash(key, persistent ? 0 : dstWords[last] ^ zone);
        long[] minWords = beWords(min);
        long[] maxWords = beWords(max);
        long[] out = new long[4];
        boolean fullRange = false;
        for (int i = 0; i <= last; i++) {
            long minip;
            long dist;
            if (!fullRange) {
                minip = minWords[i];
                dist = (maxWords[i] - minWords[i] + 1) & 0xffffffffL;
            } else {
                minip = 0;
                dist = 0xffffffffL;
            }
            out[i] = (minip + Jhash2.reciprocalScale(j, dist)) & 0xffffffffL;
            if (out[i] != maxWords[i]) {
                fullRange = true;
            }
            if (!persistent) {
                j ^= dstWords[i];
            }
        }
        if (v4) {
            return IpAddress.v4((int) out[0]);
        }
        return IpAddress.v6(out[0] << 32 | out[1], out[2] << 32 | out[3]);
    }

    /** The address as four big-endian 32-bit words (IPv4 in word 0, the rest 0), as unsigned values. */
    static long[] beWords(IpAddress a) {
        if (a.isV4()) {
            return new long[] {a.lo() & 0xffffffffL, 0, 0, 0};
        }
        return new long[] {a.hi() >>> 32, a.hi() & 0xffffffffL, a.lo() >>> 32, a.lo() & 0xffffffffL};
    }

    /** The 16-byte address field read as four 32-bit words by a little-endian host. */
    static int[] hostWords(IpAddress a) {
        long[] be = beWords(a);
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            out[i] = Integer.reverseBytes((int) be[i]);
        }
        return out;
    }
}
