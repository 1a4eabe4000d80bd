package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels of enumerated branches ({@code nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.5)}), kept
 * across the enumerations of one replay: every first packet to a service meets the same rules with the same outcome
 * lists, so each rule keeps its label, the words of each outcome and the labels that join them to the labels before,
 * made once and found again by identity.
 */
final class ChoiceLabels {
    /** Rules kept before the cache starts over (a bound on memory, far above a node's statistic rules). */
    static final int MAX_PLACES = 1 << 16;
    /** Labels joined after one outcome of one rule before that outcome's cache starts over. */
    static final int MAX_JOINED = 256;

    /** A rule met with one list of outcomes: its label, the words of each outcome, and the labels joined after each. */
    private static final class Place {
        private final List<String> outcomes;
        private final String ruleLabel;
        private final String[] words;
        private final Map<String, String>[] joined;

        @SuppressWarnings("unchecked")
        Place(ChoicePoint point) {
            this.outcomes = point.outcomes();
            // a choice outside the rules (the conntrack lookup's) has no rule position to show
            this.ruleLabel = point.rule().position() > 0 ? point.rule().label()
                    : point.rule().table() + " " + point.rule().chain();
            this.words = new String[outcomes.size()];
            this.joined = new Map[outcomes.size()];
        }

        boolean offers(List<String> other) {
            return other == outcomes || other.equals(outcomes);
        }

        String words(int pick) {
            String text = words[pick];
            if (text == null) {
                text = ruleLabel + ": " + outcomes.get(pick);
                words[pick] = text;
            }
            return text;
        }

        /** {@code before; WORDS} for the outcome {@code pick}, the same instance for the same {@code before}. */
        String after(String before, int pick) {
            Map<String, String> labels = joined[pick];
            if (labels == null) {
                labels = new IdentityHashMap<>();
                joined[pick] = labels;
            }
            String text = labels.get(before);
            if (text == null) {
                if (labels.size() >= MAX_JOINED) {
                    labels.clear();
                }
                text = before + "; " + words(pick);
                labels.put(before, text);
            }
            return text;
        }
    }

    private final Map<RuleRef, Place> places = new IdentityHashMap<>();

    /** {@code RULE-LABEL: OUTCOME} for the outcome {@code pick} of {@code point}. */
    String words(ChoicePoint point, int pick) {
        return place(point).words(pick);
    }

    /** The label of a branch that took {@code picks} at {@code points}: each choice's words, joined by "; ". */
    String label(List<ChoicePoint> points, List<Integer> picks) {
        if (points.isEmpty()) {
            return ScriptedOracle.ONLY_PATH;
        }
        String text = words(points.get(0), picks.get(0));
        for (int i = 1; i < points.size(); i++) {
            text = place(points.get(i)).after(text, picks.get(i));
        }
        return text;
    }

    private Place place(ChoicePoint point) {
        Place place = places.get(point.rule());
        if (place == null || !place.offers(point.outcomes())) {
            if (places.size() >= MAX_PLACES) {
                places.clear();
            }
            place = new Place(point);
            places.put(point.rule(), place);
        }
        return place;
    }
}
