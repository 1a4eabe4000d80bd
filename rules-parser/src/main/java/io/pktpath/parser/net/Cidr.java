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
        Cidr v4 = v4OrNull(text, 0, text.length());
        if (v4 != null) {
            return v4;
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

    /**
     * {@code a.b.c.d/len} (len 0-32 in 1-3 ASCII digits) in {@code text[start, end)}, read in place as {@link #parse}
     * reads it, or null if the region is not of that form (then {@link #parse} gives the value or the error).
     */
    public static Cidr v4OrNull(String text, int start, int end) {
        int slash = text.indexOf('/', start);
        if (slash < 0 || slash >= end) {
            return null;
        }
        long v4 = IpAddress.v4OrMinus(text, start, slash);
        int prefix = v4 < 0 ? -1 : Digits.asciiValue(text, slash + 1, end, 3);
        return prefix < 0 || prefix > 32 ? null : new Cidr(IpAddress.v4((int) v4), prefix);
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
