package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;
import java.util.Optional;

/**
 * {@code -m set [!] --match-set NAME dirs [--return-nomatch]}: ipset membership from NodeFacts as SET targets changed it
 * ({@link IpsetMembership}); a set the bundle does not hold, or packet/byte counter conditions, are decided by the
 * oracle.
 */
final class SetEvaluator implements MatchEvaluator {
    private final OptionValue.SetRef set;
    private final boolean negated;
    private final boolean returnNomatch;
    private final boolean counterConditions;
    private final String text;

    SetEvaluator(OptionValue.SetRef set, boolean negated, boolean returnNomatch, boolean counterConditions, String text) {
        this.set = set;
        this.negated = negated;
        this.returnNomatch = returnNomatch;
        this.counterConditions = counterConditions;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        Optional<Boolean> member = lookup(e);
        if (member.isEmpty()) {
            return e.chooseUnknown("undecidable: ipset " + set.name() + " not in bundle");
        }
        boolean hit = member.get();
        if (hit && counterConditions) {
            return e.chooseUnknown("undecidable: counters of ipset " + set.name() + " not in bundle");
        }
        return hit != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        String dirs = String.join(",", set.directions()) + (returnNomatch ? ", --return-nomatch" : "");
        return new Mismatch(text, lookup(e).map(m -> (m ? "in" : "not in") + " set " + set.name() + " (" + dirs + ")")
                .orElse("set " + set.name() + " not in bundle: oracle chose no match"));
    }

    private Optional<Boolean> lookup(Evaluation e) {
        return IpsetMembership.contains(e, set.name(), set.directions(), returnNomatch);
    }
}
