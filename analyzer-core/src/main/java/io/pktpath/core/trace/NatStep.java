package io.pktpath.core.trace;

import java.util.Objects;
import java.util.Optional;

/**
 * A header rewrite: before and after tuples, the rule that chose it (absent when conntrack applied an existing
 * binding), and a sentence of detail (for example "port kept: reply tuple free").
 */
public record NatStep(Hook hook, NatKind kind, Tuple before, Tuple after, Optional<RuleRef> rule, String detail)
        implements TraceStep {
    public NatStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(rule, "rule");
        detail = detail == null ? "" : detail;
    }
}
