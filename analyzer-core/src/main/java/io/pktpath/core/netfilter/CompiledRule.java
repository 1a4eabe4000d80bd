package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
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
