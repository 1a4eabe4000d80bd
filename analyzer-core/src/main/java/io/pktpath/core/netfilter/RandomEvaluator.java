package io.pktpath.core.netfilter;

import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.NumgenMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import java.util.List;

/**
 * {@code -m statistic --mode random [!] --probability p}: the kernel matches with exactly {@code P / 2^31}; the draw is
 * a choice point with outcomes {@code match (p=...)} and {@code no match} (none when P is 0 or 2^31); a draw translated
 * from nft ({@link NumgenMatch}) is named as nft names it: {@code numgen random mod 2}, with outcomes
 * {@code numgen 0 -> goto endpoint-a (p=...)} and {@code numgen != 0}.
 */
final class RandomEvaluator implements MatchEvaluator {
    private final long matchNumerator;
    /** The {@code StatisticMatch}, or the {@link NumgenMatch} that names it. */
    private final ModuleMatch match;
    private final List<Double> probabilities;
    /**
     * The match's text and the outcomes' words, made when a packet first meets the rule: most of a big ruleset's
     * statistic rules never see one, and the exact decimals cost more than the rest of their compile. Each is
     * immutable, so a thread that sees another's is safe.
     */
    private String reason;
    private List<String> outcomes;
    /**
     * The draw's choice point for the rule it was last made for, and the last step it recorded with that step's hook,
     * outcome and rule as numbers and a reference compared without reading the step: a new connection's walk through a
     * large node meets each draw cold, and these answer it from this object alone. A compiled ruleset is walked by one
     * thread at a time (its node's replay), which keeps the fields in step, as {@link CompiledRule}'s last step.
     */
    private ChoicePoint point;
    private RuleRef pointRule;
    private UndecidedStep lastStep;
    private RuleRef lastStepRule;
    private int lastStepKey = -1;

    /**
     * The random draw of {@code match} (a statistic match, or a numgen draw written as one), whose probability is
     * {@code p} ({@code negated}: {@code ! --probability}).
     */
    RandomEvaluator(OptionValue.Probability p, boolean negated, ModuleMatch match) {
        this.matchNumerator = negated ? OptionValue.Probability.SCALE - p.numerator() : p.numerator();
        this.match = match;
        double pm = matchNumerator / (double) OptionValue.Probability.SCALE;
        this.probabilities = List.of(pm, 1.0 - pm);
    }

    /**
     * The match as iptables-save writes it, e.g. {@code -m statistic --mode random --probability 0.50000000000}, or the
     * nft draw's expression, {@code numgen random mod 2}.
     */
    String reason() {
        String text = reason;
        if (text == null) {
            text = match instanceof NumgenMatch n ? n.draw() : Describe.module(match);
            reason = text;
        }
        return text;
    }

    /**
     * {@code match (p=0.50000000000)} and {@code no match}, or for an nft draw {@code numgen 0 -> goto endpoint-a
     * (p=0.50000000000)} and {@code numgen != 0}.
     */
    List<String> outcomes() {
        List<String> words = outcomes;
        if (words == null) {
            String p = " (p=" + ProbabilityText.of(matchNumerator) + ")";
            words = match instanceof NumgenMatch n ? List.of(n.picked() + p, n.notPicked())
                    : List.of("match" + p, "no match");
            outcomes = words;
        }
        return words;
    }

    @Override
    public boolean test(Evaluation e) {
        if (matchNumerator >= OptionValue.Probability.SCALE) {
            return true;
        }
        if (matchNumerator <= 0) {
            return false;
        }
        return e.choose(this) == 0;
    }

    /** The choice point of this draw in {@code rule}: match (outcome 0) or no match (1), with their probabilities. */
    ChoicePoint point(RuleRef rule) {
        if (pointRule != rule) {
            point = new ChoicePoint(rule, reason(), outcomes(), probabilities);
            pointRule = rule;
        }
        return point;
    }

    /** The step recording that the draw in {@code rule} at {@code hook} came out as outcome {@code index}. */
    UndecidedStep step(Hook hook, RuleRef rule, int index) {
        int key = hook.ordinal() << 1 | index;
        if (key != lastStepKey || rule != lastStepRule) {
            lastStep = new UndecidedStep(hook, rule, reason(), outcomes().get(index));
            lastStepRule = rule;
            lastStepKey = key;
        }
        return lastStep;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(reason(), matchNumerator <= 0 ? "probability 0" : "random draw: no match");
    }
}
