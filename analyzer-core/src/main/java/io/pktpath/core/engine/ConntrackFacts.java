package io.pktpath.core.engine;

import io.pktpath.core.trace.Tuple;

/**
 * What rule matches may read of the replay's conntrack table beyond the packet's own entry: whether a connection is
 * still there and, for TCP, already closing ({@code -m connlimit} counts only connections that are neither gone nor in
 * TIME_WAIT/CLOSE, as nf_conncount does). Implemented by the conntrack table; read only.
 */
public interface ConntrackFacts {
    /** A table without connections: for walks that have no conntrack table (tests, benchmarks). */
    ConntrackFacts NONE = (tuple, icmpType, zone, timeNanos) -> Presence.ABSENT;

    /**
     * How the table holds, at {@code timeNanos}, the connection with tuple {@code tuple} (either direction, as
     * nf_conntrack_find_get looks it up) in {@code zone}; {@code icmpType} is the ICMP type that direction carries
     * (ignored for other protocols).
     */
    Presence presence(Tuple tuple, int icmpType, int zone, long timeNanos);

    /** Whether a connection is in the table and, if it is, whether its TCP state is TIME_WAIT or CLOSE. */
    enum Presence {
        ABSENT, OPEN, CLOSED
    }
}
