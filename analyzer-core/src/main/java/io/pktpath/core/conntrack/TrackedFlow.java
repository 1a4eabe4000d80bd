package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;

/** What NAT needs of a ct, confirmed ({@link Connection}) or still being set up ({@link CtCandidate}). */
public sealed interface TrackedFlow permits Connection, CtCandidate {
    int zone();

    Tuple original();

    /** The reply tuple as NAT has rewritten it so far. */
    Tuple reply();

    /** The replay's flow id (for a candidate: the id it gets if it is confirmed). */
    long id();

    default boolean isDnat() {
        return Tuples.isDnat(original(), reply());
    }

    default boolean isSnat() {
        return Tuples.isSnat(original(), reply());
    }
}
