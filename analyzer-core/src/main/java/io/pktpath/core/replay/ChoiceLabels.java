package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels of enumerated branches ({@code nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.5)}), kept
 * across the enumerations of one replay: every first packet to a service meets the same rules with the same outcome
 * lists, so each rule keeps its label, the words of each outcome and the labels that join them to the labels before,
 * made once and found again by identity; the rule a branch first chose at also keeps the whole labels of the branches
 * that started there, so that the next first packet to the service finds each branch's label with one lookup.
 */
final class ChoiceLabels {
    /** Rules kept before the cache starts over (a bound on memory, far above a node's statistic rules). */
    static final int MAX_PLACES = 1 << 16;
    /** Labels joined after one outcome of one rule before that outcome's cache starts over. */
    static final int MAX_JOINED = 256;
    /** Whole branch labels kept per first rule before that rule's list starts over (a service's endpoints, mostly). */
    static final int MAX_BRANCHES = 64;

    /** A branch's choices (rules by identity, their outcome lists and picks) and the label they make. */
    private static final class Branch {
        private final RuleRef[] rules;
        private final List<String>[] outcomes;
        private final int[] picks;
        private final String label;

        @SuppressWarnings("unchecked")
        Branch(List<ChoicePoint> points, List<Integer> picks, String label) {
            int n = points.size();
            this.rules = new RuleRef[n];
            this.outcomes = new List[n];
            this.picks = new int[n];
            for (int i = 0; i < n; i++) {
                ChoicePoint p = points.get(i);
                rules[i] = p.rule();
                outcomes[i] = p.outcomes();
                this.picks[i] = picks.get(i);
            }
            this.label = label;
        }

        /** True if {@code points} and {@code picks} are these choices: the same rules, outcome lists and picks. */
        boolean is(List<ChoicePoint> points, List<Integer> picks) {
            int n = rules.length;
            if (points.size() != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                ChoicePoint p = points.get(i);
                List<String> o = p.outcomes();
                if (rules[i] != p.rule() || this.picks[i] != picks.get(i) || outcomes[i] != o && !outcomes[i].equals(o)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A rule met with one list of outcomes: its label, the words of each outcome, and the labels joined after each. */
    private static final class Place {
        private final List<String> outcomes;
        private final String ruleLabel;
        private final String[] words;
        private final Map<String, String>[] joined;
        /** Whole labels of branches whose first choice was at this rule, at most {@link #MAX_BRANCHES}. */
        private Branch[] branches;
        private int branchCount;

        @SuppressWarnings("unchecked")
        Place(ChoicePoint point) {
            this.outcomes = point.outcomes();
            // a choice outside the rules (the conntrack lookup's) has no rule position to show
            this.ruleLabel = point.rule().position() > 0 ? point.rule().label()
                    : point.rule().table() + " " + point.rule().chain();
            this.words = new String[outcomes.size()];
            this.joined = new Map[outcomes.size()];
        }

        /** The label kept for a branch that first chose here and then made exactly these choices, or null. */
        String known(List<ChoicePoint> points, List<Integer> picks) {
            for (int i = 0; i < branchCount; i++) {
                if (branches[i].is(points, picks)) {
                    return branches[i].label;
                }
            }
            return null;
        }

        void remember(List<ChoicePoint> points, List<Integer> picks, String label) {
            if (branches == null) {
                branches = new Branch[4];
            } else if (branchCount == MAX_BRANCHES) {
                branchCount = 0;
            } else if (branchCount == branches.length) {
                branches = Arrays.copyOf(branches, Math.min(MAX_BRANCHES, branchCount * 2));
            }
            branches[branchCount++] = new Branch(points, picks, label);
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
        Place first = place(points.get(0));
        String text = first.known(points, picks);
        if (text != null) {
            return text;
        }
        text = first.words(picks.get(0));
        for (int i = 1; i < points.size(); i++) {
            text = place(points.get(i)).after(text, picks.get(i));
        }
        first.remember(points, picks, text);
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
