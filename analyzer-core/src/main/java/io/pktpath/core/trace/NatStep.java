package io.pktpath.core.trace;

import java.util.Objects;
import java.util.Optional;

/**
 * A header rewrite: before and after tuples, the rule that chose it (absent when conntrack applied an existing
 * binding), and a sentence of detail (for example "port kept: reply tuple free").
 */
public record NatStep(Hook hook, NatKind kind, Tuple before, Tuple after, Optional<RuleRef> rule, DeferredText detailText)
        implements TraceStep {
    public NatStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(rule, "rule");
        detailText = DeferredText.orEmpty(detailText);
    }

    /** A step whose detail is given written. */
    public NatStep(Hook hook, NatKind kind, Tuple before, Tuple after, Optional<RuleRef> rule, String detail) {
        this(hook, kind, before, after, rule, DeferredText.of(detail == null ? "" : detail));
    }

    /** The sentence of detail (written when first read: a flow's remembered path keeps its NAT steps). */
    public String detail() {
        return detailText.toString();
    }
}
