package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.iptables.target.Target;
import java.util.List;

/** A rule ready to evaluate: its reference, its condition evaluators in kernel order, its target and (for jump/goto) the chain. */
final class CompiledRule {
    final RuleRef ref;
    /** The rule's number in its ruleset's {@link RuleNumbering}. */
    final int number;
    final MatchEvaluator[] matches;
    final Target target;
    final TargetKind kind;
    final String jumpName;
    /** The step verdict of a jump ({@code JUMP:<chain>}) or goto ({@code GOTO:<chain>}), made once; CONTINUE otherwise. */
    final Verdict chainVerdict;
    /** The chain a jump/goto leads to; set once all chains exist, absent when the dump lacks it. */
    java.util.Optional<CompiledChain> jumpTo = java.util.Optional.empty();
    /**
     * The last step without effects made for this rule, given again while the hook and verdict are the same (steps are
     * immutable values, so a walk on another thread that reads a stale or newer one still gets an equal step).
     */
    private RuleStep lastStep;

    CompiledRule(RuleRef ref, int number, List<MatchEvaluator> matches, Target target) {
        this.ref = ref;
        this.number = number;
        this.matches = matches.toArray(new MatchEvaluator[matches.size()]);
        this.target = target;
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

    /** Evaluates the conditions left to right, stopping at the first that fails (recorded as a miss when asked). */
    boolean test(Evaluation e) {
        for (MatchEvaluator m : matches) {
            if (!m.test(e)) {
                if (e.ctx.collectMisses()) {
                    MatchEvaluator.Mismatch mm = m.explain(e);
                    e.ctx.misses().add(new RuleMiss(e.hook, ref, mm.failedMatch(), mm.packetValue()));
                }
                return false;
            }
        }
        return true;
    }
}
