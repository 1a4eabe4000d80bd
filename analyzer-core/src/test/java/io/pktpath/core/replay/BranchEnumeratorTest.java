package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.diag.SourceSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

class BranchEnumeratorTest {
    private static ChoicePoint random(int position, double p) {
        RuleRef rule = new RuleRef(4, "nat", "KUBE-SVC-X", position, SourceSpan.line("rules", position), "-A KUBE-SVC-X");
        return new ChoicePoint(rule, "statistic random", List.of("match", "no match"), List.of(p, 1 - p));
    }

    /** kube-proxy's three endpoints: rule 1 p=1/3, rule 2 p=1/2, rule 3 unconditional. */
    private static String kubeProxyWalk(ChoiceOracle oracle) {
        if (oracle.choose(random(1, 1.0 / 3)) == 0) {
            return "SEP-A";
        }
        if (oracle.choose(random(2, 0.5)) == 0) {
            return "SEP-B";
        }
        return "SEP-C";
    }

    @Test
    void enumeratesEveryBranchInRuleOrderWithItsProbability() {
        BranchEnumerator.Runs<String> e = BranchEnumerator.enumerate(BranchEnumeratorTest::kubeProxyWalk, 16);
        assertFalse(e.truncated());
        assertEquals(List.of("SEP-A", "SEP-B", "SEP-C"), e.branches().stream().map(BranchEnumerator.Branch::result).toList());
        for (BranchEnumerator.Branch<String> b : e.branches()) {
            assertEquals(1.0 / 3, b.probability(), 1e-12, b.label());
        }
        assertEquals("nat KUBE-SVC-X #1: no match; nat KUBE-SVC-X #2: match", e.branches().get(1).label());
        assertEquals(3, e.size());
        assertEquals("SEP-B", e.run(1));
    }

    @Test
    void aPathWithoutChoicesHasOneBranchOfProbabilityOne() {
        BranchEnumerator.Runs<String> e = BranchEnumerator.enumerate(o -> "only", 16);
        assertEquals(1, e.branches().size());
        assertEquals(1.0, e.branches().get(0).probability());
        assertEquals("the only path", e.branches().get(0).label());
        assertEquals(1, e.size());
        assertEquals("only", e.run(0));
        assertFalse(e.truncated());
        // the one run is held alone: its branch is the one the enumerator would list, made when asked for
        assertInstanceOf(BranchEnumerator.OneRun.class, e);
        assertEquals(List.of(BranchEnumerator.onlyBranch("only")), e.branches());
        assertThrows(IndexOutOfBoundsException.class, () -> e.run(1));
    }

    @Test
    void eachBranchKeepsTheChoicesItsRunMetAndTheOutcomesItTook() {
        BranchEnumerator.Runs<String> e = BranchEnumerator.enumerate(BranchEnumeratorTest::kubeProxyWalk, 16);
        List<BranchEnumerator.Branch<String>> b = e.branches();
        assertEquals(List.of(0), b.get(0).picks());
        assertEquals(List.of(1, 0), b.get(1).picks());
        assertEquals(List.of(1, 1), b.get(2).picks());
        assertEquals(List.of(random(1, 1.0 / 3)), b.get(0).points());
        assertEquals(List.of(random(1, 1.0 / 3), random(2, 0.5)), b.get(2).points());
    }

    @Test
    void anOraclesChoicesTakenAsItStandsDoNotSeeLaterOnes() {
        ScriptedOracle oracle = new ScriptedOracle(new int[] {1});
        assertEquals(List.of(), oracle.points());
        assertEquals(1, oracle.choose(random(1, 1.0 / 3)));
        List<Integer> picks = oracle.picks();
        List<ChoicePoint> points = oracle.points();
        assertEquals(0, oracle.choose(random(2, 0.5)));
        assertEquals(List.of(1), picks);
        assertEquals(List.of(random(1, 1.0 / 3)), points);
        assertEquals(List.of(1, 0), oracle.picks());
        assertThrows(UnsupportedOperationException.class, () -> oracle.picks().add(2));
    }

    @Test
    void stopsAtTheLimitAndSaysSo() {
        BranchEnumerator.Runs<String> e = BranchEnumerator.enumerate(BranchEnumeratorTest::kubeProxyWalk, 2);
        assertTrue(e.truncated());
        assertEquals(2, e.branches().size());
    }
}
