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

    /** Every rule of every chain, chain by chain in declaration order. */
    public List<Rule> rules() {
        return chains.stream().flatMap(c -> c.rules().stream()).toList();
    }
}
