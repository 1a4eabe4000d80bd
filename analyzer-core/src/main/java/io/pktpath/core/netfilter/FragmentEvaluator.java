package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.FragmentMatch;

/** {@code [!] -f}: non-first fragments (never seen while conntrack defragments; the packet says which it is). */
final class FragmentEvaluator implements MatchEvaluator {
    private final boolean negated;

    FragmentEvaluator(FragmentMatch m) {
        this.negated = m.negated();
    }

    @Override
    public boolean test(Evaluation e) {
        return e.nonFirstFragment() != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch((negated ? "! " : "") + "-f", e.nonFirstFragment() ? "non-first fragment" : "not a non-first fragment");
    }

    @Override
    public boolean pure() {
        return true;
    }
}
