package io.pktpath.core.findings;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.conntrack.ConntrackStats;
import java.util.Optional;

/** The bundle's {@code conntrack -S} counters: the change over the capture when both snapshots exist, else the totals. */
record Counters(boolean present, boolean delta, long insertFailed, long drop, long clashResolve, long earlyDrop) {

    static Counters of(Bundle bundle) {
        Optional<ConntrackStats> after = bundle.conntrackStats();
        if (after.isEmpty()) {
            return new Counters(false, false, 0, 0, 0, 0);
        }
        Optional<ConntrackStats> before = bundle.conntrackStatsBefore();
        ConntrackStats a = after.get();
        if (before.isEmpty()) {
            return new Counters(true, false, a.insertFailed(), a.drop(), a.clashResolve(), a.earlyDrop());
        }
        ConntrackStats b = before.get();
        return new Counters(true, true, a.insertFailed() - b.insertFailed(), a.drop() - b.drop(),
                a.clashResolve() - b.clashResolve(), a.earlyDrop() - b.earlyDrop());
    }

    /** {@code conntrack -S (change over the capture): insert_failed +4, drop +4, clash_resolve +0}. */
    String describe() {
        if (!present) {
            return "the bundle has no conntrack -S output";
        }
        String sign = delta ? "+" : "";
        return "conntrack -S " + (delta ? "(change over the capture, summed over CPUs)" : "(totals since boot, summed over CPUs)")
                + ": insert_failed " + sign + insertFailed + ", drop " + sign + drop + ", clash_resolve " + sign + clashResolve;
    }
}
