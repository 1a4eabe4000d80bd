package io.pktpath.parser.iptables.model;

import io.pktpath.parser.diag.SourceSpan;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One table ({@code *filter} ... {@code COMMIT}) with its chains in declaration order. */
public record Table(String name, List<Chain> chains, SourceSpan span) {
    public Table {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(span, "span");
        chains = List.copyOf(chains);
    }

    public Optional<Chain> chain(String chainName) {
        return chains.stream().filter(c -> c.name().equals(chainName)).findFirst();
    }

    /** How many rules the table's chains hold, counted without listing them. */
    public int ruleCount() {
        int count = 0;
        for (Chain c : chains) {
            count += c.rules().size();
        }
        return count;
    }

    /** Every rule of every chain, chain by chain in declaration order (a new list: {@link #ruleCount} to count them). */
    public List<Rule> rules() {
        return chains.stream().flatMap(c -> c.rules().stream()).toList();
    }
}
