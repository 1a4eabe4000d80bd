package io.pktpath.core.packet;

import io.pktpath.parser.net.IpAddress;

/** Text forms of the raw address bits held by {@link PacketView}: IPv4, IPv6 (RFC 5952) and MAC. */
public final class Addresses {
    private Addresses() {
    }

    /** The IPv4 address of 32 bits. */
    public static IpAddress v4(int bits) {
        return IpAddress.v4(bits);
    }

    /** The IPv6 address of two halves. */
    public static IpAddress v6(long hi, long lo) {
        return IpAddress.v6(hi, lo);
    }

    /** Dotted-quad text of 32 address bits. */
    public static String formatV4(int bits) {
        return IpAddress.formatV4(bits);
    }

    /** Appends the dotted-quad text of 32 address bits (what {@link #formatV4} returns) without building a String. */
    public static StringBuilder appendV4(StringBuilder sb, int bits) {
        return sb.append((bits >>> 24) & 0xff).append('.').append((bits >>> 16) & 0xff).append('.')
                .append((bits >>> 8) & 0xff).append('.').append(bits & 0xff);
    }

    /** Appends the text of an address ({@link IpAddress#toString()}); IPv4 without building a String. */
    public static StringBuilder append(StringBuilder sb, IpAddress address) {
        return address.isV4() ? appendV4(sb, address.v4Bits()) : sb.append(address.toString());
    }

    /**
     * Appends an endpoint as tuples and traces print it: {@code 10.0.0.1:80}, or {@code [2001:db8::1]:80} for IPv6 (the
     * brackets keep the port apart from the address's colons).
     */
    public static StringBuilder appendEndpoint(StringBuilder sb, IpAddress address, int port) {
        if (address.isV4()) {
            return appendV4(sb, address.v4Bits()).append(':').append(port);
        }
        return sb.append('[').append(address).append("]:").append(port);
    }

    /** The text {@link #appendEndpoint} appends. */
    public static String endpoint(IpAddress address, int port) {
        return appendEndpoint(new StringBuilder(24), address, port).toString();
    }

    /** RFC 5952 text of an IPv6 address. */
    public static String formatV6(long hi, long lo) {
        return IpAddress.v6(hi, lo).toString();
    }

    /** Colon-separated lowercase text of 48 MAC bits, or "-" for -1. */
    public static String formatMac(long mac) {
        if (mac < 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) (mac >>> (8 * i)) & 0xff;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
