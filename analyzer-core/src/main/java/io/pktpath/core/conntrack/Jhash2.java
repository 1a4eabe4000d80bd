package io.pktpath.core.conntrack;

/**
 * Bob Jenkins' lookup3 {@code hashword}, which the kernel calls {@code jhash2} (include/linux/jhash.h): the hash
 * nf_nat_core's {@code find_best_ips_proto} uses to pick an address of a NAT range. Implemented from the algorithm.
 */
public final class Jhash2 {
    private static final int INITVAL = 0xdeadbeef;

    private Jhash2() {
    }

    /** The hash of {@code words} (32-bit words as the host reads them) with seed {@code initval}. */
    public static int hash(int[] words, int initval) {
        int length = words.length;
        int a = INITVAL + (length << 2) + initval;
        int b = a;
        int c = a;
        int i = 0;
        while (length > 3) {
            a += words[i];
            b += words[i + 1];
            c += words[i + 2];
            // mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 3;
            i += 3;
        }
        if (length == 0) {
            return c;
        }
        if (length == 3) {
            c += words[i + 2];
        }
        if (length >= 2) {
            b += words[i + 1];
        }
        a += words[i];
        // final
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** The kernel's {@code reciprocal_scale(value, range)}: {@code value} scaled into {@code [0, range)}. */
    public static long reciprocalScale(int value, long range) {
        return ((value & 0xffffffffL) * (range & 0xffffffffL)) >>> 32;
    }
}
