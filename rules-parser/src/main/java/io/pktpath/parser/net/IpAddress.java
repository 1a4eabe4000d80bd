package io.pktpath.parser.net;

import io.pktpath.parser.diag.InvalidValueException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address as a value (IPv4 in the low 32 bits of {@code lo}); printed as {@code inet_ntop} prints it
 * (RFC 5952 compression of the longest run of two or more zero groups), which is what iptables-save and iproute2 print.
 */
public record IpAddress(IpFamily family, long hi, long lo) implements Comparable<IpAddress> {
    public IpAddress {
        Objects.requireNonNull(family, "family");
        if (family == IpFamily.V4 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address with bits above 32");
        }
    }

    /** Same family and bits (written out: the replay compares addresses for every packet). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof IpAddress a && lo == a.lo && hi == a.hi && family == a.family;
    }

    /** A hash of the bits and the family's ordinal, so it is the same in every run. */
    @Override
    public int hashCode() {
        long h = (hi * 0x9E3779B97F4A7C15L + lo) * 0x9E3779B97F4A7C15L + family.ordinal();
        return (int) (h ^ (h >>> 32));
    }

    public static IpAddress v4(int bits) {
        return new IpAddress(IpFamily.V4, 0, bits & 0xffffffffL);
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(IpFamily.V6, hi, lo);
    }

    /** The IPv4 address as a signed int (same bits). */
    public int v4Bits() {
        return (int) lo;
    }

    public boolean isV4() {
        return family == IpFamily.V4;
    }

    /** A multicast group: 224.0.0.0/4 or ff00::/8. */
    public boolean isMulticast() {
        return isV4() ? (lo >>> 28) == 0xe : (hi >>> 56) == 0xff;
    }

    /** Parses a dotted-quad IPv4 or a textual IPv6 address (no prefix, no brackets, no zone). */
    public static IpAddress parse(String text) throws InvalidValueException {
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        return v4(parseV4(text));
    }

    /** Parses an address of the given family, with a family-specific expectation in the error. */
    public static IpAddress parse(String text, IpFamily family) throws InvalidValueException {
        IpAddress a = parse(text);
        if (a.family != family) {
            throw new InvalidValueException("'" + text + "' is an " + (a.isV4() ? "IPv4" : "IPv6") + " address",
                    family == IpFamily.V4 ? "an IPv4 address such as 10.0.0.1" : "an IPv6 address such as fd00::1");
        }
        return a;
    }

    /** True if the text parses as an address. */
    public static boolean isAddress(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }

    /**
     * The bits of the dotted-quad IPv4 address {@code text.substring(from, to)} as a non-negative number, read in place,
     * or -1 if it is not one ({@link #parseV4} throws the reason instead).
     */
    public static long v4OrMinus(String text, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (true) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || octet > 255 || octets == 4) {
                return -1;
            }
            value = value << 8 | octet;
            octets++;
            if (i == to) {
                return octets == 4 ? value : -1;
            }
            if (text.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    static int parseV4(String text) throws InvalidValueException {
        long value = v4OrMinus(text, 0, text.length());
        if (value < 0) {
            throw badV4(text);
        }
        return (int) value;
    }

    private static InvalidValueException badV4(String text) {
        return new InvalidValueException("'" + text + "' is not an IPv4 address", "four dotted decimal octets 0-255, such as 10.0.0.1");
    }

    private static InvalidValueException badV6(String text) {
        return new InvalidValueException("'" + text + "' is not an IPv6 address", "an IPv6 address such as fd00::1 or 2001:db8::10");
    }

    private static IpAddress parseV6(String text) throws InvalidValueException {
        int[] groups = new int[8];
        int count = 0;
        int gapAt = -1;
        int i = 0;
        int n = text.length();
        if (n < 2) {
            throw badV6(text);
        }
        if (text.startsWith("::")) {
            gapAt = 0;
            i = 2;
            if (i == n) {
                return v6(0, 0);
            }
        } else if (text.charAt(0) == ':') {
            throw badV6(text);
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && Character.digit(text.charAt(i), 16) >= 0 && i - start < 4) {
                value = (value << 4) | Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                if (count > 6) {
                    throw badV6(text);
                }
                int v4 = parseV4(text.substring(start));
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xffff;
                i = n;
                break;
            }
            if (i == start || count == 8) {
                throw badV6(text);
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                throw badV6(text);
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gapAt >= 0) {
                    throw badV6(text);
                }
                gapAt = count;
                i++;
            } else if (i == n) {
                throw badV6(text);
            }
        }
        if (gapAt < 0 && count != 8 || gapAt >= 0 && count > 7) {
            throw badV6(text);
        }
        int[] full = new int[8];
        if (gapAt < 0) {
            full = groups;
        } else {
            int tail = count - gapAt;
            System.arraycopy(groups, 0, full, 0, gapAt);
            System.arraycopy(groups, gapAt, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return v6(hi, lo);
    }

    /** Group {@code index} (0..7) of an IPv6 address. */
    private int group(int index) {
        long word = index < 4 ? hi : lo;
        return (int) (word >>> (16 * (3 - (index & 3)))) & 0xffff;
    }

    /** Bit {@code index} counted from the most significant bit of the address (0-based). */
    public boolean bit(int index) {
        int width = family.bits();
        if (family == IpFamily.V4) {
            return ((lo >>> (width - 1 - index)) & 1) != 0;
        }
        return index < 64 ? ((hi >>> (63 - index)) & 1) != 0 : ((lo >>> (127 - index)) & 1) != 0;
    }

    /** This address with every bit after the first {@code prefixLength} cleared. */
    public IpAddress masked(int prefixLength) {
        if (family == IpFamily.V4) {
            long mask = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
            return new IpAddress(family, 0, lo & mask);
        }
        long hiMask = prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
        long loMask = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return new IpAddress(family, hi & hiMask, lo & loMask);
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = family.compareTo(o.family);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        if (family == IpFamily.V4) {
            return formatV4((int) lo);
        }
        return formatV6();
    }

    public static String formatV4(int bits) {
        return ((bits >>> 24) & 0xff) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }

    private String formatV6() {
        int bestStart = -1;
        int bestLen = 0;
        for (int g = 0; g < 8; ) {
            if (group(g) == 0) {
                int start = g;
                while (g < 8 && group(g) == 0) {
                    g++;
                }
                if (g - start > bestLen) {
                    bestLen = g - start;
                    bestStart = start;
                }
            } else {
                g++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        boolean mappedV4 = hi == 0 && (lo >>> 32) == 0xffffL;
        StringBuilder sb = new StringBuilder();
        int last = mappedV4 ? 6 : 8;
        for (int g = 0; g < last; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(g)));
        }
        if (mappedV4) {
            if (sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(formatV4((int) lo));
        }
        return sb.toString();
    }
}
