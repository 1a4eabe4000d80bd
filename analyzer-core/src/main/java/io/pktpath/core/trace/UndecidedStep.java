package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A rule whose match cannot be decided offline (a random branch, an unsupported module, {@code owner}, {@code socket},
 * NFQUEUE): the replay followed one outcome and lists the others as alternatives; {@code decidedBy} says what chose.
 */
public record UndecidedStep(Hook hook, RuleRef rule, String reason, String decidedBy) implements TraceStep {
    public UndecidedStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
        decidedBy = decidedBy == null ? "" : decidedBy;
    }
}
