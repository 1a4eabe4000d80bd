package io.pktpath.core.conntrack;

/**
 * The replay's own conntrack counters, named like {@code conntrack -S} so the two can be compared (found, invalid,
 * insert, insert_failed, drop, clash_resolve), plus the races the replay flagged as possible on a real kernel.
 */
public record ConntrackStats(long found, long invalid, long insert, long insertFailed, long drop, long clashResolve,
                             long possibleRaces) {
}
