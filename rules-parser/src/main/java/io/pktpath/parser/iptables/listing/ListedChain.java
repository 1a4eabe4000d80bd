package io.pktpath.parser.iptables.listing;

import io.pktpath.parser.iptables.model.Counters;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One chain of a listing: its header line, its policy (built-in chains) with the policy's counters, and its rules. */
public record ListedChain(String name, int line, Optional<String> policy, Optional<Counters> policyCounters,
                          List<ListedRule> rules) {
    public ListedChain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policyCounters, "policyCounters");
        rules = List.copyOf(rules);
    }

    public boolean builtin() {
        return policy.isPresent();
    }
}
