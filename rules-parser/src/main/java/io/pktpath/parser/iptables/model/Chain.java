package io.pktpath.parser.iptables.model;

import io.pktpath.parser.diag.SourceSpan;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One chain of a table: built-in chains have a policy, user chains ({@code -} in the dump) fall through to the caller. */
public record Chain(String name, boolean builtin, Optional<Policy> policy, Counters counters, List<Rule> rules, SourceSpan span) {
    public Chain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(span, "span");
        rules = List.copyOf(rules);
        if (builtin != policy.isPresent()) {
            throw new IllegalArgumentException("chain " + name + ": a policy exactly when built in");
        }
    }

    /** The rule at a 1-based position, as iptables numbers them. */
    public Optional<Rule> rule(int position) {
        return position >= 1 && position <= rules.size() ? Optional.of(rules.get(position - 1)) : Optional.empty();
    }
}
