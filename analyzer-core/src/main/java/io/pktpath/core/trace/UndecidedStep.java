package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A rule whose match cannot be decided offline (a random branch, an unsupported module, {@code owner}, {@code socket},
 * NFQUEUE): the replay followed one outcome and lists the others as alternatives; {@code decidedBy} says what chose.
 */
public record UndecidedStep(Hook hook, RuleRef rule, String reason, String decidedBy) implements TraceStep {
    /** How {@code decidedBy} begins when no frame of the capture decided and the first branch in rule order was taken. */
    public static final String FIRST_BRANCH = "first branch in rule order";
    /** {@code decidedBy} of a packet that left the node by a copy the capture does not hold (it lacks the interface). */
    public static final String NO_EGRESS_COPY = FIRST_BRANCH + ": no egress copy in the capture";

    public UndecidedStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
        decidedBy = decidedBy == null ? "" : decidedBy;
    }

    /** True when a frame of the capture chose the outcome followed (not the fallback to the first branch). */
    public boolean decidedByCapture() {
        return !decidedBy.isEmpty() && !decidedBy.startsWith(FIRST_BRANCH);
    }
}
