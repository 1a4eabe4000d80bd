package io.pktpath.core.conntrack;

import java.util.List;
import java.util.Objects;

/** The outcome of confirming a new ct at the packet's last hook (§2.4, §8). */
public sealed interface ConfirmResult {
    /** One sentence for the trace. */
    String detail();

    /** The ct is in the table; {@code races} lists what a real kernel might have raced here (§8). */
    record Confirmed(Connection ct, List<RaceEvidence> races, String detail) implements ConfirmResult {
        public Confirmed {
            Objects.requireNonNull(ct, "ct");
            races = List.copyOf(races);
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The ORIGINAL tuple was already confirmed; kernel 6.x resolves the clash (clash_resolve) and the packet goes on;
     * {@code races} holds the same-tuple race this shows (§8.1).
     */
    record ClashResolved(Connection existing, boolean sameNat, List<RaceEvidence> races, String detail)
            implements ConfirmResult {
        public ClashResolved {
            Objects.requireNonNull(existing, "existing");
            races = List.copyOf(races);
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The clash cannot be resolved: the kernel drops the packet and counts insert_failed and drop. */
    record Dropped(Connection owner, String detail) implements ConfirmResult {
        public Dropped {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
