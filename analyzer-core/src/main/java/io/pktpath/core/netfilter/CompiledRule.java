package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import java.util.List;
import java.util.Optional;

/**
 * A rule ready to evaluate: its reference, its condition evaluators in kernel order, its target (of a native nft rule's
 * statement and verdict, the verdict, with the statement apart) and (for jump/goto) the chain.
 */
final class CompiledRule extends HeaderTest {
    final RuleRef ref;
    /** The rule's number in its ruleset's {@link RuleNumbering}. */
    final int number;
    final MatchEvaluator[] matches;
    /** The rule's target; of a statement followed by a verdict ({@link StatementVerdict}), the verdict. */
    final Target target;
    /** The statement a native nft rule applies before its verdict ({@code add @seen { ip saddr } accept}), or null. */
    final Target statement;
    /**
     * The rule's reference and target as a walk's deciding rule and target, made when the rule first decides instead
     * of at every decision, and not for the rules that never do (two objects for each of a 30,000-service node's
     * 340,000 rules otherwise).
     */
    private Optional<RuleRef> decidingRef;
    private Optional<Target> decidingTarget;
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
     * The rules and positions of {@link #jumpTo} when it has no index (null otherwise), read from this rule, which the
     * walk has in hand, so that entering a cold chain does not fetch the chain object first.
     */
    CompiledRule[] jumpRules;
    int[] jumpPositions;
    /**
     * The last step without effects made for this rule, given again while the hook and verdict are the same, which
     * {@link #lastStepKey} says without reading the step (a cold object on a new connection's walk). A compiled ruleset
     * is walked by one thread at a time (its node's replay), which keeps the two fields in step.
     */
    private RuleStep lastStep;
    private int lastStepKey = -1;

    CompiledRule(RuleRef ref, int number, List<MatchEvaluator> matches, Target target) {
        this(ref, number, matches.toArray(new MatchEvaluator[matches.size()]), target);
    }

    private CompiledRule(RuleRef ref, int number, MatchEvaluator[] matches, Target target) {
        super(matches);
        this.ref = ref;
        this.number = number;
        this.matches = matches;
        // a NAT target's range is read for every new connection the rule decides: an equal copy made now lies beside
        // the rule in memory, where the parser's lies among the parse's other objects
        this.statement = StatementVerdict.statementOf(target).orElse(null);
        this.target = NearbyTargets.copy(StatementVerdict.verdictOf(target));
        target = this.target;
        this.kind = TargetKind.of(target);
        this.jumpName = TargetKind.chainOf(target);
        this.chainVerdict = kind == TargetKind.JUMP ? Verdict.jump(jumpName)
                : kind == TargetKind.GOTO ? Verdict.goTo(jumpName) : Verdict.CONTINUE;
    }

    /** {@link #ref} as a walk's deciding rule. */
    Optional<RuleRef> decidingRef() {
        Optional<RuleRef> d = decidingRef;
        if (d == null) {
            d = Optional.of(ref);
            decidingRef = d;
        }
        return d;
    }

    /** {@link #target} as a walk's deciding target. */
    Optional<Target> decidingTarget() {
        Optional<Target> d = decidingTarget;
        if (d == null) {
            d = Optional.of(target);
            decidingTarget = d;
        }
        return d;
    }

    /** Sets the chain this jump or goto leads to (null: not in the dump), once all chains exist. */
    void link(CompiledChain chain) {
        jumpTo = chain;
        boolean plain = chain != null && chain.index().isEmpty();
        jumpRules = plain ? chain.rules : null;
        jumpPositions = plain ? chain.allPositions() : null;
    }

    /** The trace step of this rule matching at {@code hook} with verdict {@code verdict} and no side effects. */
    RuleStep step(Hook hook, Verdict verdict) {
        int key = stepKey(hook, verdict);
        if (key >= 0 && key == lastStepKey) {
            return lastStep;
        }
        RuleStep step = new RuleStep(hook, ref, verdict, List.of());
        lastStep = step;
        lastStepKey = key;
        return step;
    }

    /**
     * The hook and verdict of a step as one number, -1 for a verdict of another instance than the ones this rule's
     * walks use (its own jump or goto verdict, or one of {@link Verdict}'s constants), which is then never reused.
     */
    private int stepKey(Hook hook, Verdict verdict) {
        int v;
        if (verdict == chainVerdict) {
            v = 0;
        } else if (verdict == Verdict.CONTINUE || verdict == Verdict.ACCEPT || verdict == Verdict.DROP
                || verdict == Verdict.RETURN || verdict == Verdict.QUEUE) {
            v = 1 + verdict.kind().ordinal();
        } else {
            return -1;
        }
        return hook.ordinal() << 8 | v;
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
        MatchEvaluator only = onlyRest();
        if (only != null) {
            return only.test(e);
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
