package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.StateMatch;
import java.util.List;

/** {@code -m state [!] --state S[,S]}: the conntrack state without the SNAT/DNAT virtual states. */
final class StateEvaluator implements MatchEvaluator {
    private final int states;
    private final boolean negated;
    private final String text;

    StateEvaluator(StateMatch m, MatchOption option) {
        this.states = ConntrackEvaluator.mask(m.states().map(n -> n.value().words()).orElse(List.of()));
        this.negated = option.negated();
        this.text = Describe.option(StateMatch.MODULE, option);
    }

    @Override
    public boolean test(Evaluation e) {
        return ((ConntrackEvaluator.packetStates(e, false) & states) != 0) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "state " + ConntrackEvaluator.names(ConntrackEvaluator.packetStates(e, false)));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
