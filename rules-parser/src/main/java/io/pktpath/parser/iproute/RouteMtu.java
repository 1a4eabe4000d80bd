package io.pktpath.parser.iproute;

/**
 * A route's {@code mtu} metric ({@code mtu 1400} or {@code mtu lock 1400}): the value, and whether it is locked, which
 * the kernel reads when it forwards IPv6 (only a locked route MTU counts there); {@code ip -j route} does not print the
 * lock, so a route read from JSON is never locked.
 */
public record RouteMtu(int bytes, boolean locked) {
    /** As {@code ip route} prints it: {@code mtu 1400} or {@code mtu lock 1400}. */
    @Override
    public String toString() {
        return locked ? "mtu lock " + bytes : "mtu " + bytes;
    }
}
