package io.pktpath.core.rules;

import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Counters;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule (or, with position 0 and no source, a built-in chain's policy) in {@code rules hits}: the counts the replay
 * committed, the dump's own counter delta ({@code iptables-save -c} after minus before) when both dumps hold it, and
 * the rule that shadows it, if any.
 */
public record RuleUsage(int family, String table, String chain, int position, Optional<RuleRef> rule,
                        Counters replayed, Optional<Counters> kernel, Optional<ShadowedRule> shadowed) {
    public RuleUsage {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(replayed, "replayed");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(shadowed, "shadowed");
    }

    /** True for a built-in chain's policy row. */
    public boolean isPolicy() {
        return position == 0;
    }

    /** True when the replay and the dump's counters both exist and disagree in packets or bytes. */
    public boolean disagrees() {
        return kernel.isPresent() && !kernel.get().equals(replayed);
    }
}
