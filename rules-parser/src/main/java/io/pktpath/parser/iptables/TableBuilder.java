package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Table;
import java.util.ArrayList;
import java.util.Arrays;
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
        /** The chain declared next in this table, if any (rules come in declaration order). */
        ChainBuilder next;
        /** True once a rule was inserted: the rules after it then no longer have their position. */
        private boolean inserted;

        ChainBuilder(String name, Optional<Policy> policy, Counters counters, SourceSpan span) {
            this.name = name;
            this.policy = policy;
            this.counters = counters;
            this.span = span;
        }

        /** Inserts {@code rule} at 0-based {@code index}. */
        void insert(int index, Rule rule) {
            rules.add(index, rule);
            inserted = true;
        }

        /** The rules, each at its 1-based position in the chain. */
        List<Rule> numbered() {
            if (!inserted) {
                return rules;
            }
            List<Rule> numbered = new ArrayList<>(rules.size());
            for (int k = 0; k < rules.size(); k++) {
                Rule r = rules.get(k);
                numbered.add(r.position() == k + 1 ? r : r.withPosition(k + 1));
            }
            return numbered;
        }
    }

    private static final int UNDECLARED = 8;

    private final String name;
    private final SourceSpan span;
    private final ScannedDeclarations declarations;
    /** How many of the scanned declaration lines have declared the chain the scan found on them. */
    private int declaredScanned;
    private final ChainIndex chains;
    private boolean declaredAsScanned = true;
    /** The chain found last (rules come grouped by chain), or null. */
    private ChainBuilder last;
    /** The chain declared last, or null. */
    private ChainBuilder lastDeclared;
    /** Names recently found declared nowhere (target names such as DNAT), compared by identity; cleared by a declaration. */
    private final String[] undeclared = new String[UNDECLARED];
    private int undeclaredNext;
    /** The name of the declared chain the last {@link #declaredAt} question found, or null. */
    private String answered;

    TableBuilder(String name, SourceSpan span, ScannedDeclarations declarations) {
        this.name = name;
        this.span = span;
        this.declarations = declarations;
        int expected = declarations.count() >= 0 ? declarations.count() : declarations.map().size();
        this.chains = new ChainIndex(expected);
    }

    String name() {
        return name;
    }

    SourceSpan span() {
        return span;
    }

    Optional<ChainBuilder> chain(String chainName) {
        return Optional.ofNullable(declared(chainName));
    }

    /** The chain named so if it is declared, else null; it becomes the chain tried first next time. */
    ChainBuilder declared(String chainName) {
        ChainBuilder found = find(chainName);
        last = found != null ? found : last;
        return found;
    }

    /** The chain named so, trying the last chain found and the one declared after it before the map. */
    private ChainBuilder find(String chainName) {
        ChainBuilder near = near(chainName);
        if (near != null) {
            return near;
        }
        int s = chains.find(chainName);
        return s == ChainIndex.ABSENT ? null : chains.chain(s);
    }

    void declare(ChainBuilder chain) {
        chains.put(chain);
        if (lastDeclared != null) {
            lastDeclared.next = chain;
        }
        lastDeclared = chain;
        Arrays.fill(undeclared, null);
        if (declarations.count() < 0) {
            Integer scanned = declarations.map().get(chain.name);
            declaredAsScanned &= scanned != null && scanned == chain.span.line();
        } else if (declarations.scans(chain.span.line(), chain.name)) {
            declaredScanned++;
        }
    }

    /**
     * True if {@link #declaredAt} answers from {@code scanned} alone: these are this table's scanned declarations and
     * every chain declared so far was declared on the line the scan found for it.
     */
    boolean answersAs(Map<String, Integer> scanned) {
        return declaredAsScanned && declarations.isGiven(scanned);
    }

    @Override
    public int declaredAt(String chain) {
        for (String u : undeclared) {
            if (u == chain) {
                return 0;
            }
        }
        ChainBuilder near = near(chain);
        if (near != null) {
            answered = near.name;
            return near.span.line();
        }
        int s = chains.find(chain);
        if (s != ChainIndex.ABSENT) {
            answered = chains.name(s);
            return chains.line(s);
        }
        answered = null;
        Integer declared = declaredScanned == declarations.count() ? null : declarations.map().get(chain);
        if (declared == null) {
            undeclared[undeclaredNext] = chain;
            undeclaredNext = (undeclaredNext + 1) % UNDECLARED;
            return 0;
        }
        return declared;
    }

    /**
     * {@link #declaredAt(String)} for the chain token {@code k} names: an unquoted token that is not a common word (a
     * target such as DROP) is looked up in place, without making its string.
     */
    @Override
    public int declaredAt(LineTokens tokens, int k) {
        if (tokens.quoted(k) || tokens.common(k)) {
            return declaredAt(tokens.text(k));
        }
        ChainBuilder near = near(tokens, k);
        if (near != null) {
            answered = near.name;
            return near.span.line();
        }
        int s = chains.find(tokens, k);
        if (s == ChainIndex.ABSENT) {
            return declaredAt(tokens.text(k));
        }
        answered = chains.name(s);
        return chains.line(s);
    }

    /** The chain found last or the one declared after it, if it is named {@code chain}; else null. */
    private ChainBuilder near(String chain) {
        if (last == null) {
            return null;
        }
        return last.name.equals(chain) ? last : last.next != null && last.next.name.equals(chain) ? last.next : null;
    }

    @Override
    public String declaredName(LineTokens tokens, int k) {
        if (answered == null) {
            return null;
        }
        return (tokens.quoted(k) ? answered.equals(tokens.text(k)) : tokens.is(k, answered)) ? answered : null;
    }

    /** {@link #near(String)} for the unquoted token {@code k}, compared in place. */
    private ChainBuilder near(LineTokens tokens, int k) {
        if (last == null) {
            return null;
        }
        return tokens.is(k, last.name) ? last : last.next != null && tokens.is(k, last.next.name) ? last.next : null;
    }

    @Override
    public String chainToken(LineTokens tokens, int k) {
        ChainBuilder near = near(tokens, k);
        return near != null ? near.name : tokens.text(k);
    }

    @Override
    public String declaredName(String chain) {
        return answered != null && answered.equals(chain) ? answered : null;
    }

    Table build() {
        List<Chain> built = new ArrayList<>(chains.inOrder().size());
        for (ChainBuilder c : chains.inOrder()) {
            built.add(new Chain(c.name, c.policy.isPresent(), c.policy, c.counters, c.numbered(), c.span));
        }
        return new Table(name, built, span);
    }
}
