package io.pktpath.core.packet;

/**
 * An IPv4 or IPv6 address as raw bits, printed in the usual text form (RFC 5952 for IPv6).
 * Kept local because {@code io.pktpath.parser.net.IpAddress} did not exist yet when this was written.
 *
 * @param family 4 or 6 (0 = absent)
 * @param hi     IPv6 high 64 bits (0 for IPv4)
 * @param lo     IPv6 low 64 bits, or the IPv4 address in the low 32 bits
 */
public record RawAddress(int family, long hi, long lo) {
    /** The absent address. */
    public static final RawAddress NONE = new RawAddress(0, 0, 0);

    /** An IPv4 address from its 32 bits. */
    public static RawAddress ipv4(int bits) {
        return new RawAddress(4, 0, bits & 0xffffffffL);
    }

    /** An IPv6 address from its two halves. */
    public static RawAddress ipv6(long hi, long lo) {
        return new RawAddress(6, hi, lo);
    }

    /** IPv4 bits (valid when family is 4). */
    public int v4() {
        return (int) lo;
    }

    @Override
    public String toString() {
        return switch (family) {
            case 4 -> formatV4((int) lo);
            case 6 -> formatV6(hi, lo);
            default -> "-";
        };
    }

    /** Dotted-quad text of 32 address bits. */
    public static String formatV4(int bits) {
        return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
    }

    /** RFC 5952 text of an IPv6 address (longest run of zero groups, leftmost first, as "::"). */
    public static String formatV6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** Colon-separated text of 48 MAC bits, or "-" for -1. */
    public static String formatMac(long mac) {
        if (mac < 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xff));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
