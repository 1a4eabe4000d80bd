package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A branch's label, written when read, joins each choice's rule label and outcome by "; " (a choice outside the rules
 * names its table and chain), whatever the rules and outcomes met; an enumeration labels each of its branches so.
 */
class BranchLabelTest {
    private static RuleRef rule(String chain, int position) {
        return new RuleRef(4, "nat", chain, position, SourceSpan.line("rules", Math.max(position, 1)), "-A " + chain);
    }

    private static ChoicePoint point(RuleRef rule, List<String> outcomes) {
        List<Double> p = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            p.add(1.0 / outcomes.size());
        }
        return new ChoicePoint(rule, "why", outcomes, p);
    }

    /** The label as the oracle once wrote it: each rule's label (table and chain without a position) and outcome. */
    private static String reference(List<ChoicePoint> points, List<Integer> picks) {
        if (points.isEmpty()) {
            return "the only path";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            RuleRef r = points.get(i).rule();
            sb.append(r.position() > 0 ? r.label() : r.table() + " " + r.chain()).append(": ")
                    .append(points.get(i).outcomes().get(picks.get(i)));
        }
        return sb.toString();
    }

    @Test
    void labelsTheChoicesOfABranch() {
        RuleRef first = rule("KUBE-SVC-X", 2);
        RuleRef second = rule("KUBE-SVC-X", 3);
        List<String> random = List.of("match (p=0.33333333349)", "no match");
        assertEquals("the only path", BranchLabel.of(List.of(), List.of()).toString());
        assertEquals("nat KUBE-SVC-X #2: match (p=0.33333333349)",
                BranchLabel.of(List.of(point(first, random)), List.of(0)).toString());
        assertEquals("nat KUBE-SVC-X #2: no match; nat KUBE-SVC-X #3: match (p=0.33333333349)",
                BranchLabel.of(List.of(point(first, random), point(second, random)), List.of(1, 0)).toString());
        assertEquals("nat PREROUTING: ACCEPT", BranchLabel.words(point(rule("PREROUTING", 0), List.of("ACCEPT", "DROP")), 0));
    }

    @Test
    void everyLabelEqualsTheReferenceJoin() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<List<String>> outcomeSets = List.of(List.of("match (p=0.50000000000)", "no match"), List.of("match", "no match"),
                List.of("ACCEPT", "DROP"), List.of("a", "b", "c"));
        List<RuleRef> rules = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {
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
            assertEquals(reference(points, picks), BranchLabel.of(List.copyOf(points), List.copyOf(picks)).toString());
        }
    }

    @Test
    void aLabelIsWrittenOnce() {
        List<String> random = List.of("match", "no match");
        var label = BranchLabel.of(List.of(point(rule("KUBE-SVC-Q", 1), random)), List.of(1));
        assertSame(label.toString(), label.toString());
    }

    @Test
    void anEnumerationLabelsEachBranchByItsChoices() {
        // a service of three endpoints: two statistic rules, then the last endpoint's rule
        RuleRef first = rule("KUBE-SVC-E", 1);
        RuleRef second = rule("KUBE-SVC-E", 2);
        List<String> third = List.of("match (p=0.33333333349)", "no match");
        List<String> half = List.of("match (p=0.50000000000)", "no match");
        Function<io.pktpath.core.engine.ChoiceOracle, Integer> run = oracle -> {
            if (oracle.choose(point(first, third)) == 0) {
                return 1;
            }
            return oracle.choose(point(second, half)) == 0 ? 2 : 3;
        };
        List<BranchEnumerator.Branch<Integer>> branches = BranchEnumerator.enumerate(run, 64).branches();
        assertEquals(List.of(1, 2, 3), branches.stream().map(BranchEnumerator.Branch::result).toList());
        assertEquals(List.of("nat KUBE-SVC-E #1: match (p=0.33333333349)",
                "nat KUBE-SVC-E #1: no match; nat KUBE-SVC-E #2: match (p=0.50000000000)",
                "nat KUBE-SVC-E #1: no match; nat KUBE-SVC-E #2: no match"),
                branches.stream().map(BranchEnumerator.Branch::label).toList());
        assertEquals("the only path", BranchEnumerator.enumerate(oracle -> 0, 64).branches().get(0).label());
    }
}
