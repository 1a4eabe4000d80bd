package io.pktpath.core.conntrack;

import java.util.Objects;

/**
 * One disagreement between the kernel's {@code conntrack -E} events and the replay's connections: where the event is
 * ({@code file:line}, empty for a connection the kernel never announced), the kind, the connection's original tuple,
 * what the kernel had and what pktpath had, and the replay frame that opened pktpath's connection (0 when none).
 */
public record KernelEventDifference(String location, Kind kind, String tuple, String kernel, String pktpath,
                                    long frame) {
    /** What disagrees. */
    public enum Kind {
        /** The same original tuple, another reply tuple (DNAT endpoint or SNAT/MASQUERADE address and port). */
        REPLY_TUPLE,
        /** A kernel NEW event for which the replay made no connection. */
        NO_REPLAYED_CONNECTION,
        /** A connection the replay made that the kernel never announced. */
        NOT_ANNOUNCED
    }

    public KernelEventDifference {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tuple, "tuple");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(pktpath, "pktpath");
    }

    /** {@code conntrack-events.txt:12 reply tuple udp 10.244.1.2:40000 -> 10.96.0.10:53}, one line. */
    public String headline() {
        String what = switch (kind) {
            case REPLY_TUPLE -> "reply tuple";
            case NO_REPLAYED_CONNECTION -> "no connection in the replay";
            case NOT_ANNOUNCED -> "not announced by the kernel";
        };
        return (location.isEmpty() ? "-" : location) + " " + what + " " + tuple;
    }
}
