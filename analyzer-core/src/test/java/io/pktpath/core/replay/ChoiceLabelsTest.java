package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Branch labels made from the words and joins kept per rule equal the words joined afresh, whatever the rules and
 * outcomes met, in one enumeration or across many (the cache kept by a replay), also when the caches start over.
 */
class ChoiceLabelsTest {
    private static RuleRef rule(String chain, int position) {
        return new RuleRef(4, "nat", chain, position, SourceSpan.line("rules", position), "-A " + chain);
    }

    private static ChoicePoint point(RuleRef rule, List<String> outcomes) {
        List<Double> p = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            p.add(1.0 / outcomes.size());
        }
        return new ChoicePoint(rule, "why", outcomes, p);
    }

    /** The label as the oracle used to write it: each rule's label and outcome, joined by "; ". */
    private static String reference(List<ChoicePoint> points, List<Integer> picks) {
        if (points.isEmpty()) {
            return "the only path";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(points.get(i).rule().label()).append(": ").append(points.get(i).outcomes().get(picks.get(i)));
        }
        return sb.toString();
    }

    @Test
    void labelsTheChoicesOfABranch() {
        ChoiceLabels labels = new ChoiceLabels();
        RuleRef first = rule("KUBE-SVC-X", 2);
        RuleRef second = rule("KUBE-SVC-X", 3);
        List<String> random = List.of("match (p=0.33333333349)", "no match");
        assertEquals("the only path", labels.label(List.of(), List.of()));
        assertEquals("nat KUBE-SVC-X #2: match (p=0.33333333349)", labels.label(List.of(point(first, random)), List.of(0)));
        assertEquals("nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.33333333349)",
                labels.label(List.of(point(first, random), point(second, random)), List.of(1, 0)));
    }

    @Test
    void aRuleMetWithOtherOutcomesGetsTheirWords() {
        ChoiceLabels labels = new ChoiceLabels();
        RuleRef rule = rule("KUBE-SVC-Y", 1);
        assertEquals("nat KUBE-SVC-Y #1: match", labels.words(point(rule, List.of("match", "no match")), 0));
        assertEquals("nat KUBE-SVC-Y #1: ACCEPT", labels.words(point(rule, List.of("ACCEPT", "DROP")), 0));
        assertEquals("nat KUBE-SVC-Y #1: DROP", labels.words(point(rule, List.of("ACCEPT", "DROP")), 1));
    }

    @Test
    void wordsAreMadeOncePerPlaceRuleAndOutcome() {
        ChoiceLabels labels = new ChoiceLabels();
        RuleRef rule = rule("KUBE-SVC-Z", 4);
        String once = labels.words(point(rule, List.of("match", "no match")), 1);
        assertSame(once, labels.words(point(rule, List.of("match", "no match")), 1));
        assertEquals("nat KUBE-SVC-Z #4: no match", once);
    }

    @Test
    void everyLabelEqualsTheReferenceJoin() {
        ChoiceLabels labels = new ChoiceLabels();
        SplittableRandom rnd = new SplittableRandom(7);
        List<List<String>> outcomeSets = List.of(List.of("match (p=0.50000000000)", "no match"), List.of("match", "no match"),
                List.of("ACCEPT", "DROP"), List.of("a", "b", "c"));
        List<RuleRef> rules = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            rules.add(rule("KUBE-SVC-" + (i % 3), i));
        }
        for (int n = 0; n < 2_000; n++) {
            int size = rnd.nextInt(5);
            List<ChoicePoint> points = new ArrayList<>();
            List<Integer> picks = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                List<String> outcomes = outcomeSets.get(rnd.nextInt(outcomeSets.size()));
                points.add(point(rules.get(rnd.nextInt(rules.size())), outcomes));
                picks.add(rnd.nextInt(outcomes.size()));
            }
            assertEquals(reference(points, picks), labels.label(points, picks));
        }
    }

    @Test
    void aLabelMadeOnceIsFoundAgainByTheNextEnumeration() {
        ChoiceLabels labels = new ChoiceLabels();
        List<String> random = List.of("match (p=0.50000000000)", "no match");
        List<ChoicePoint> points = List.of(point(rule("KUBE-SVC-Q", 1), random), point(rule("KUBE-SVC-Q", 2), random));
        String first = labels.label(points, List.of(1, 0));
        assertEquals("nat KUBE-SVC-Q #1: no match; nat KUBE-SVC-Q #2: match (p=0.50000000000)", first);
        assertSame(first, labels.label(points, List.of(1, 0)));
        assertEquals("nat KUBE-SVC-Q #1: no match; nat KUBE-SVC-Q #2: no match", labels.label(points, List.of(1, 1)));
    }

    @Test
    void labelsStayRightWhenTheCachesStartOver() {
        ChoiceLabels labels = new ChoiceLabels();
        List<String> random = List.of("match", "no match");
        RuleRef last = rule("KUBE-SVC-L", 1);
        for (int i = 0; i < ChoiceLabels.MAX_JOINED + 10; i++) {
            RuleRef first = rule("KUBE-SVC-F" + i, i + 1);
            List<ChoicePoint> points = List.of(point(first, random), point(last, random));
            assertEquals(reference(points, List.of(i % 2, 0)), labels.label(points, List.of(i % 2, 0)));
        }
        for (int i = 0; i < ChoiceLabels.MAX_PLACES + 10; i++) {
            ChoicePoint p = point(rule("KUBE-SVC-P", i + 1), random);
            assertEquals(reference(List.of(p), List.of(1)), labels.label(List.of(p), List.of(1)));
        }
    }

    @Test
    void branchesMetAgainGetTheirLabelsFromTheFirstRule() {
        ChoiceLabels labels = new ChoiceLabels();
        SplittableRandom rnd = new SplittableRandom(11);
        List<List<String>> outcomeSets = List.of(List.of("match (p=0.25000000000)", "no match"), List.of("match", "no match"),
                List.of("a", "b", "c"));
        List<RuleRef> rules = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            rules.add(rule("KUBE-SVC-R", i));
        }
        // a few branch shapes met over and over, as every first packet to a service meets its endpoints' rules
        List<List<Integer>> shapes = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            List<Integer> shape = new ArrayList<>();
            int size = 1 + rnd.nextInt(4);
            for (int i = 0; i < size; i++) {
                shape.add(rnd.nextInt(rules.size()) * 16 + rnd.nextInt(outcomeSets.size()) * 4 + rnd.nextInt(2));
            }
            shapes.add(shape);
        }
        for (int n = 0; n < 5_000; n++) {
            List<ChoicePoint> points = new ArrayList<>();
            List<Integer> picks = new ArrayList<>();
            for (int code : shapes.get(rnd.nextInt(shapes.size()))) {
                List<String> outcomes = outcomeSets.get(code / 4 % 4);
                // an equal list that is not the same instance must be found too
                points.add(point(rules.get(code / 16), rnd.nextBoolean() ? outcomes : new ArrayList<>(outcomes)));
                picks.add(code % 4 % outcomes.size());
            }
            assertEquals(reference(points, picks), labels.label(points, picks));
        }
    }

    @Test
    void aRuleMetWithOtherOutcomesForgetsTheBranchesThatStartedThere() {
        ChoiceLabels labels = new ChoiceLabels();
        RuleRef first = rule("KUBE-SVC-O", 1);
        RuleRef second = rule("KUBE-SVC-O", 2);
        List<String> random = List.of("match", "no match");
        List<String> other = List.of("ACCEPT", "DROP");
        List<ChoicePoint> points = List.of(point(first, random), point(second, random));
        assertEquals("nat KUBE-SVC-O #1: no match; nat KUBE-SVC-O #2: match", labels.label(points, List.of(1, 0)));
        List<ChoicePoint> changed = List.of(point(first, other), point(second, random));
        assertEquals("nat KUBE-SVC-O #1: DROP; nat KUBE-SVC-O #2: match", labels.label(changed, List.of(1, 0)));
        List<ChoicePoint> secondChanged = List.of(point(first, other), point(second, other));
        assertEquals("nat KUBE-SVC-O #1: DROP; nat KUBE-SVC-O #2: ACCEPT", labels.label(secondChanged, List.of(1, 0)));
    }

    @Test
    void aServiceWithMoreEndpointsThanTheBranchesKeptIsLabelledRight() {
        ChoiceLabels labels = new ChoiceLabels();
        List<String> random = List.of("match", "no match");
        int endpoints = ChoiceLabels.MAX_BRANCHES * 2 + 3;
        List<RuleRef> rules = new ArrayList<>();
        for (int i = 1; i < endpoints; i++) {
            rules.add(rule("KUBE-SVC-BIG", i));
        }
        for (int round = 0; round < 3; round++) {
            // the enumeration of one first packet: branch k said "no match" k times, then "match"
            for (int k = 0; k < endpoints; k++) {
                List<ChoicePoint> points = new ArrayList<>();
                List<Integer> picks = new ArrayList<>();
                for (int i = 0; i <= Math.min(k, rules.size() - 1); i++) {
                    points.add(point(rules.get(i), random));
                    picks.add(i < k ? 1 : 0);
                }
                assertEquals(reference(points, picks), labels.label(points, picks));
            }
        }
    }
}
