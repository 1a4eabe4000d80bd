package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A table being read: its chains in declaration order and their rules; frozen into a {@link Table} at COMMIT. */
final class TableBuilder implements LineContext.ChainDeclarations {
    /** A chain being filled. */
    static final class ChainBuilder {
        final String name;
        Optional<Policy> policy;
        Counters counters;
        final SourceSpan span;
        final List<Rule> rules = new ArrayList<>();

        ChainBuilder(String name, Optional<Policy> policy, Counters counters, SourceSpan span) {
            this.name = name;
            this.policy = policy;
            this.counters = counters;
            this.span = span;
        }
    }

    private final String name;
    private final SourceSpan span;
    private final Map<String, Integer> declarations;
    private final Map<String, ChainBuilder> chains = new LinkedHashMap<>();

    TableBuilder(String name, SourceSpan span, Map<String, Integer> declarations) {
        this.name = name;
        this.span = span;
        this.declarations = declarations;
    }

    String name() {
        return name;
    }

    SourceSpan span() {
        return span;
    }

    Optional<ChainBuilder> chain(String chainName) {
        return Optional.ofNullable(chains.get(chainName));
    }

    void declare(ChainBuilder chain) {
        chains.put(chain.name, chain);
    }

    @Override
    public Optional<Integer> declaredAt(String chain) {
        ChainBuilder known = chains.get(chain);
        if (known != null) {
            return Optional.of(known.span.line());
        }
        return Optional.ofNullable(declarations.get(chain));
    }

    Table build() {
        List<Chain> built = new ArrayList<>();
        for (ChainBuilder c : chains.values()) {
            List<Rule> numbered = new ArrayList<>(c.rules.size());
            for (int k = 0; k < c.rules.size(); k++) {
                numbered.add(c.rules.get(k).withPosition(k + 1));
            }
            built.add(new Chain(c.name, c.policy.isPresent(), c.policy, c.counters, numbered, c.span));
        }
        return new Table(name, built, span);
    }
}
