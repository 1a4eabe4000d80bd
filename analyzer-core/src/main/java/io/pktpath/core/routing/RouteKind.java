package io.pktpath.core.routing;

/**
 * The outcome class of a route lookup (netfilter-semantics §6.2): local delivery, forwarding (or, for a locally generated
 * packet, sending) through a device, broadcast or multicast delivery, one of the rejecting route types, no route at all,
 * or a drop by an input-side check before or after the lookup (§6.4).
 */
public enum RouteKind {
    LOCAL, FORWARD, SEND, BROADCAST, MULTICAST, BLACKHOLE, UNREACHABLE, PROHIBIT, NO_ROUTE, CHECK_FAILED;

    /** True when the packet goes on (delivered, forwarded or sent). */
    public boolean delivers() {
        return this == LOCAL || this == FORWARD || this == SEND || this == BROADCAST || this == MULTICAST;
    }
}
