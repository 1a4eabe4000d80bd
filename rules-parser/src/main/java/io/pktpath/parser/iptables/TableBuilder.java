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
    private boolean declaredAsScanned = true;
    /** The chain found last (rules come grouped by chain). */
    private Optional<ChainBuilder> last = Optional.empty();

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
        if (last.isPresent() && last.get().name.equals(chainName)) {
            return last;
        }
        Optional<ChainBuilder> found = Optional.ofNullable(chains.get(chainName));
        last = found.isPresent() ? found : last;
        return found;
    }

    void declare(ChainBuilder chain) {
        chains.put(chain.name, chain);
        Integer scanned = declarations.get(chain.name);
        declaredAsScanned &= scanned != null && scanned == chain.span.line();
    }

    /**
     * True if {@link #declaredAt} answers from {@code scanned} alone: these are this table's scanned declarations and
     * every chain declared so far was declared on the line the scan found for it.
     */
    boolean answersAs(Map<String, Integer> scanned) {
        return declaredAsScanned && scanned == declarations;
    }

    @Override
    public int declaredAt(String chain) {
        if (last.isPresent() && last.get().name.equals(chain)) {
            return last.get().span.line();
        }
        ChainBuilder known = chains.get(chain);
        if (known != null) {
            return known.span.line();
        }
        Integer declared = declarations.get(chain);
        return declared == null ? 0 : declared;
    }

    Table build() {
        List<Chain> built = new ArrayList<>();
        for (ChainBuilder c : chains.values()) {
            List<Rule> numbered = new ArrayList<>(c.rules.size());
            for (int k = 0; k < c.rules.size(); k++) {
                Rule r = c.rules.get(k);
                numbered.add(r.position() == k + 1 ? r : r.withPosition(k + 1));
            }
            built.add(new Chain(c.name, c.policy.isPresent(), c.policy, c.counters, numbered, c.span));
        }
        return new Table(name, built, span);
    }
}
