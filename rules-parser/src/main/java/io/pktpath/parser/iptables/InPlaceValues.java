package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/**
 * DNAT's {@code a.b.c.d:port}, the form kube-proxy writes most, read from a region of a line without cutting strings
 * and checked against its printed form in place; anything else gives null, and the caller reads the text the general
 * way (IPv4 prefixes read in place are {@link io.pktpath.parser.net.Cidr#v4OrNull}).
 */
final class InPlaceValues {
    private InPlaceValues() {
    }

    /**
     * {@code a.b.c.d:port} (port in 1-5 ASCII digits, at most 65535) in {@code line[start, end)} as an IPv4 dump's
     * {@link NatRangeParser} reads it, or null if the region is not of that form.
     */
    static NatRange v4HostPort(String line, int start, int end) {
        int colon = line.indexOf(':', start);
        if (colon < 0 || colon >= end) {
            return null;
        }
        long v4 = IpAddress.v4OrMinus(line, start, colon);
        int port = Digits.asciiValue(line, colon + 1, end, 5);
        if (v4 < 0 || port < 0 || port > 65535) {
            return null;
        }
        Optional<IpAddress> address = Optional.of(IpAddress.v4((int) v4));
        return new NatRange(address, address, Optional.of(PortRange.single(port)));
    }

    /** True if {@code range} is one IPv4 address and one port, the form {@link #writesHostPort} compares. */
    static boolean isV4HostPort(NatRange range) {
        return range.from().isPresent() && range.from().get().isV4() && range.to().get().equals(range.from().get())
                && range.ports().isPresent() && range.ports().get().isSingle();
    }

    /** True if {@code line[start, end)} is {@code range.render()} for a range {@link #isV4HostPort} accepts. */
    static boolean writesHostPort(String line, int start, int end, NatRange range) {
        int bits = range.from().get().v4Bits();
        int at = start;
        for (int shift = 24; shift >= 0; shift -= 8) {
            at = decimalAt(line, at, end, (bits >>> shift) & 0xff);
            if (at < 0 || at >= end || line.charAt(at) != (shift == 0 ? ':' : '.')) {
                return false;
            }
            at++;
        }
        return decimalAt(line, at, end, range.ports().get().from()) == end;
    }

    /** The offset after {@code value} written in decimal at {@code at} (before {@code end}), or -1 if it is not there. */
    static int decimalAt(String line, int at, int end, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        if (end - at < digits) {
            return -1;
        }
        int v = value;
        for (int k = at + digits - 1; k >= at; k--) {
            if (line.charAt(k) != '0' + v % 10) {
                return -1;
            }
            v /= 10;
        }
        return at + digits;
    }
}
