package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.DeferredText;
import java.util.List;

/**
 * The label of an enumerated branch, written when read: each choice's rule and the outcome taken, joined by "; "
 * ({@code nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.5)}); a choice outside the rules (the conntrack
 * lookup's) names its table and chain, having no rule position to show.
 */
final class BranchLabel extends DeferredText {
    /** The label of the branch of a run that met no choice. */
    static final DeferredText ONLY_PATH = DeferredText.of(ScriptedOracle.ONLY_PATH);

    private final List<ChoicePoint> points;
    private final List<Integer> picks;

    private BranchLabel(List<ChoicePoint> points, List<Integer> picks) {
        this.points = points;
        this.picks = picks;
    }

    /** The label of the branch that took {@code picks} at {@code points} (both immutable, of one size). */
    static DeferredText of(List<ChoicePoint> points, List<Integer> picks) {
        return points.isEmpty() ? ONLY_PATH : new BranchLabel(points, picks);
    }

    /** {@code RULE-LABEL: OUTCOME} for the outcome {@code pick} of {@code point}. */
    static String words(ChoicePoint point, int pick) {
        String rule = point.rule().position() > 0 ? point.rule().label()
                : point.rule().table() + " " + point.rule().chain();
        return rule + ": " + point.outcomes().get(pick);
    }

    @Override
    protected String write() {
        StringBuilder sb = new StringBuilder(64 * points.size());
        for (int i = 0; i < points.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(words(points.get(i), picks.get(i)));
        }
        return sb.toString();
    }
}
