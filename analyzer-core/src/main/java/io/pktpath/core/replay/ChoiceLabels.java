package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The labels of one enumeration's branches ({@code nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.5)}):
 * a branch meets the choice points of the branch it comes from at the same places, so each place keeps the rule's
 * label and the words of each outcome, made once, for the later branches to join.
 */
final class ChoiceLabels {
    /** The rule met at one place, the outcomes it offered, its label, and the words of each outcome made so far. */
    private record Place(RuleRef rule, List<String> outcomes, String ruleLabel, String[] words) {
    }

    private final List<Place> places = new ArrayList<>(4);

    /** {@code RULE-LABEL: OUTCOME} for the outcome {@code pick} of {@code point}, the {@code index}-th choice of a branch. */
    String words(int index, ChoicePoint point, int pick) {
        Place place = index < places.size() ? places.get(index) : null;
        if (place == null || place.rule() != point.rule() || !place.outcomes().equals(point.outcomes())) {
            // a choice outside the rules (the conntrack lookup's) has no rule position to show
            String ruleLabel = point.rule().position() > 0 ? point.rule().label()
                    : point.rule().table() + " " + point.rule().chain();
            place = new Place(point.rule(), point.outcomes(), ruleLabel, new String[point.outcomes().size()]);
            if (index < places.size()) {
                places.set(index, place);
            } else {
                while (places.size() < index) {
                    places.add(null);
                }
                places.add(place);
            }
        }
        String text = place.words()[pick];
        if (text == null) {
            text = place.ruleLabel() + ": " + point.outcomes().get(pick);
            place.words()[pick] = text;
        }
        return text;
    }

    /** The label of a branch that took {@code picks} at {@code points}: each choice's words, joined by "; ". */
    String label(List<ChoicePoint> points, List<Integer> picks) {
        if (points.isEmpty()) {
            return ScriptedOracle.ONLY_PATH;
        }
        if (points.size() == 1) {
            return words(0, points.get(0), picks.get(0));
        }
        StringBuilder sb = new StringBuilder(48 * points.size());
        for (int i = 0; i < points.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(words(i, points.get(i), picks.get(i)));
        }
        return sb.toString();
    }
}
