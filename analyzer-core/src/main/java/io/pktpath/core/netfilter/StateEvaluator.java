package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.StateMatch;
import java.util.List;

/** {@code -m state [!] --state S[,S]}: the conntrack state without the SNAT/DNAT virtual states. */
final class StateEvaluator implements MatchEvaluator {
    private final List<String> states;
    private final boolean negated;
    private final String text;

    StateEvaluator(StateMatch m, MatchOption option) {
        this.states = m.states().map(n -> n.value().words()).orElse(List.of());
        this.negated = option.negated();
        this.text = Describe.option(StateMatch.MODULE, option);
    }

    @Override
    public boolean test(Evaluation e) {
        String have = ConntrackEvaluator.packetStates(e, false).get(0);
        return states.contains(have) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, "state " + ConntrackEvaluator.packetStates(e, false).get(0));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
