package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.FrozenList;

import java.util.ArrayList;
import java.util.List;

/**
 * An oracle that follows a fixed prefix of choices, takes the first outcome after it, and records every choice point it
 * met, so the enumerator can run a packet once per branch.
 */
final class ScriptedOracle implements ChoiceOracle {
    /** The label of the branch of a run that met no choice point. */
    static final String ONLY_PATH = "the only path";

    private final int[] prefix;
    private final List<ChoicePoint> points = new ArrayList<>(0);
    private final List<Integer> picks = new ArrayList<>(0);

    ScriptedOracle(int[] prefix) {
        this.prefix = prefix.clone();
    }

    @Override
    public int choose(ChoicePoint point) {
        int index = points.size();
        int pick = index < prefix.length && prefix[index] < point.outcomes().size() ? prefix[index] : 0;
        points.add(point);
        picks.add(pick);
        return pick;
    }

    /** The choice points met so far, as a view that does not see later ones (a branch keeps them without a copy). */
    List<ChoicePoint> points() {
        return FrozenList.of(points);
    }

    /** The outcome taken at each choice point met so far, as a view that does not see later ones. */
    List<Integer> picks() {
        return FrozenList.of(picks);
    }

    /** The product of the probabilities of the outcomes taken; NaN when any is unknown. */
    double probability() {
        double p = 1.0;
        for (int i = 0; i < points.size(); i++) {
            p *= points.get(i).probabilities().get(picks.get(i));
        }
        return p;
    }
}
