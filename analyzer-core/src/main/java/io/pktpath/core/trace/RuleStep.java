package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;

/**
 * A rule matched: its reference, the verdict as TRACE prints it, and the side effects a person needs to see
 * (for example {@code mark 0x0 -> 0x4000}).
 */
public record RuleStep(Hook hook, RuleRef rule, Verdict verdict, List<String> effects) implements TraceStep {
    public RuleStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(verdict, "verdict");
        effects = effects == NO_EFFECTS ? NO_EFFECTS : List.copyOf(effects);
    }

    /** The shared empty effects list (most steps have none; skipping the copy's type checks is measurable). */
    private static final List<String> NO_EFFECTS = List.of();

    @Override
    public boolean isKernelTraceStep() {
        return true;
    }
}
