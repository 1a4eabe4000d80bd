package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.iptables.target.Target;
import java.util.List;

/** A rule ready to evaluate: its reference, its condition evaluators in kernel order, its target and (for jump/goto) the chain. */
final class CompiledRule extends HeaderTest {
    final RuleRef ref;
    /** The rule's number in its ruleset's {@link RuleNumbering}. */
    final int number;
    final MatchEvaluator[] matches;
    final Target target;
    /** The rule's reference and target as a walk's deciding rule and target, made once instead of at every decision. */
    final java.util.Optional<RuleRef> decidingRef;
    final java.util.Optional<Target> decidingTarget;
    final TargetKind kind;
    final String jumpName;
    /** The step verdict of a jump ({@code JUMP:<chain>}) or goto ({@code GOTO:<chain>}), made once; CONTINUE otherwise. */
    final Verdict chainVerdict;
    /**
     * The chain a jump/goto leads to, set once all chains exist; null when the dump lacks it (a plain field: a walk
     * entering a cold chain fetches one object fewer than through an Optional).
     */
    CompiledChain jumpTo;
    /**
     * The last step without effects made for this rule, given again while the hook and verdict are the same (steps are
     * immutable values, so a walk on another thread that reads a stale or newer one still gets an equal step).
     */
    private RuleStep lastStep;

    CompiledRule(RuleRef ref, int number, List<MatchEvaluator> matches, Target target) {
        this(ref, number, matches.toArray(new MatchEvaluator[matches.size()]), target);
    }

    private CompiledRule(RuleRef ref, int number, MatchEvaluator[] matches, Target target) {
        super(matches);
        this.ref = ref;
        this.number = number;
        this.matches = matches;
        this.target = target;
        this.decidingRef = java.util.Optional.of(ref);
        this.decidingTarget = java.util.Optional.of(target);
        this.kind = TargetKind.of(target);
        this.jumpName = TargetKind.chainOf(target);
        this.chainVerdict = kind == TargetKind.JUMP ? Verdict.jump(jumpName)
                : kind == TargetKind.GOTO ? Verdict.goTo(jumpName) : Verdict.CONTINUE;
    }

    /** The trace step of this rule matching at {@code hook} with verdict {@code verdict} and no side effects. */
    RuleStep step(Hook hook, Verdict verdict) {
        RuleStep step = lastStep;
        if (step == null || step.hook() != hook || step.verdict() != verdict) {
            step = new RuleStep(hook, ref, verdict, List.of());
            lastStep = step;
        }
        return step;
    }

    /**
     * Evaluates the conditions left to right, stopping at the first that fails (recorded as a miss when asked); without
     * misses to record, the folded header conditions are tested first without their evaluators (the same answer).
     */
    boolean test(Evaluation e) {
        if (e.ctx.collectMisses()) {
            return testExplained(e);
        }
        if (!headerHolds(e.packet)) {
            return false;
        }
        for (MatchEvaluator m : rest()) {
            if (!m.test(e)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #test} evaluator by evaluator, recording the failing one as a miss. */
    private boolean testExplained(Evaluation e) {
        for (MatchEvaluator m : matches) {
            if (!m.test(e)) {
                MatchEvaluator.Mismatch mm = m.explain(e);
                e.ctx.misses().add(new RuleMiss(e.hook, ref, mm.failedMatch(), mm.packetValue()));
                return false;
            }
        }
        return true;
    }
}
