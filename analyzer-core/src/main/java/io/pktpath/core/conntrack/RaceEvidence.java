package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import java.util.Objects;

/**
 * Two new connections set up so close in time that the real kernel may have raced them on two CPUs (§8): the UDP
 * same-tuple race or the SNAT source-port race, with both frames, tuples, NAT choices and the time gap.
 */
public record RaceEvidence(Kind kind, long earlierFlow, long earlierFrame, long laterFlow, long laterFrame,
                           Tuple earlierOriginal, Tuple laterOriginal, Tuple contestedTuple, String natChoices,
                           long gapNanos, String detail) {
    /** Which race of netfilter-semantics §8. */
    public enum Kind {
        /** §8.1: two packets of one tuple both NEW (DNS A + AAAA from one socket). */
        UDP_SAME_TUPLE,
        /** §8.2: two flows whose NAT kept the same source port, so their reply tuples collide. */
        SNAT_PORT_COLLISION
    }

    public RaceEvidence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(earlierOriginal, "earlierOriginal");
        Objects.requireNonNull(laterOriginal, "laterOriginal");
        Objects.requireNonNull(contestedTuple, "contestedTuple");
        Objects.requireNonNull(natChoices, "natChoices");
        Objects.requireNonNull(detail, "detail");
    }
}
