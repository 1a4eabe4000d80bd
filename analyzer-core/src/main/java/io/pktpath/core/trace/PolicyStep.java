package io.pktpath.core.trace;

import java.util.Objects;

/** A built-in chain's policy was applied because no rule ended the walk. */
public record PolicyStep(Hook hook, String table, String chain, Verdict verdict) implements TraceStep {
    public PolicyStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        if (verdict.kind() != Verdict.Kind.POLICY_ACCEPT && verdict.kind() != Verdict.Kind.POLICY_DROP) {
            throw new IllegalArgumentException("a policy step's verdict is POLICY:ACCEPT or POLICY:DROP, not " + verdict);
        }
    }

    @Override
    public boolean isKernelTraceStep() {
        return true;
    }
}
