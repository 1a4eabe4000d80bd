package io.pktpath.parser.net;

import io.pktpath.parser.diag.InvalidValueException;
import java.util.Objects;

/**
 * An address with a prefix length, as {@code -s 10.0.0.0/8} or a route destination; {@link #toString()} prints
 * {@code addr/len} as iptables-save does (hosts as /32 or /128), {@link #toRouteString()} as iproute2 does.
 */
public record Cidr(IpAddress address, int prefixLength) {
    public Cidr {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address.family());
        }
    }

    public static Cidr host(IpAddress address) {
        return new Cidr(address, address.family().bits());
    }

    /** The whole address space of a family: 0.0.0.0/0 or ::/0. */
    public static Cidr any(IpFamily family) {
        return new Cidr(family == IpFamily.V4 ? IpAddress.v4(0) : IpAddress.v6(0, 0), 0);
    }

    public IpFamily family() {
        return address.family();
    }

    /** The network address: the address with its host bits cleared. */
    public IpAddress network() {
        return address.masked(prefixLength);
    }

    public boolean contains(IpAddress candidate) {
        return candidate.family() == address.family() && candidate.masked(prefixLength).equals(address.masked(prefixLength));
    }

    public boolean isHost() {
        return prefixLength == address.family().bits();
    }

    /**
     * Parses {@code addr}, {@code addr/len} or {@code addr/dotted-mask} (contiguous masks only); a bare address is a host.
     * The address keeps its host bits as written (iptables masks them when it prints; see {@link #network()}).
     */
    public static Cidr parse(String text) throws InvalidValueException {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return host(IpAddress.parse(text));
        }
        long v4 = IpAddress.v4OrMinus(text, 0, slash);
        int written = v4 < 0 ? -1 : shortDecimal(text, slash + 1);
        if (written >= 0 && written <= 32) {
            return new Cidr(IpAddress.v4((int) v4), written);
        }
        IpAddress address = IpAddress.parse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        int bits = address.family().bits();
        if (len.indexOf('.') >= 0 && address.isV4()) {
            int mask = IpAddress.parseV4(len);
            int prefix = Integer.bitCount(mask);
            if (mask != (prefix == 0 ? 0 : -1 << (32 - prefix))) {
                throw new InvalidValueException("non-contiguous netmask " + len + " in '" + text + "'",
                        "a prefix length 0-32 or a contiguous dotted mask such as 255.255.0.0");
            }
            return new Cidr(address, prefix);
        }
        if (len.isEmpty() || len.length() > 3 || !Digits.only(len)) {
            throw new InvalidValueException("bad prefix length '" + len + "' in '" + text + "'", "a prefix length 0-" + bits);
        }
        int prefix = Integer.parseInt(len);
        if (prefix > bits) {
            throw new InvalidValueException("prefix length " + prefix + " is longer than " + bits + " in '" + text + "'",
                    "a prefix length 0-" + bits);
        }
        return new Cidr(address, prefix);
    }

    /** The value of {@code text} from {@code from} on if that is 1 to 3 ASCII digits, else -1. */
    private static int shortDecimal(String text, int from) {
        int n = text.length() - from;
        if (n < 1 || n > 3) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** As iptables-save prints it: the network address and the length, always with a slash. */
    @Override
    public String toString() {
        return network() + "/" + prefixLength;
    }

    /** As iproute2 prints a route destination: {@code default} for /0, a bare address for a host, else addr/len. */
    public String toRouteString() {
        if (prefixLength == 0) {
            return "default";
        }
        return isHost() ? address.toString() : network() + "/" + prefixLength;
    }
}
