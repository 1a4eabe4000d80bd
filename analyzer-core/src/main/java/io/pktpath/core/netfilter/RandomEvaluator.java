package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * {@code -m statistic --mode random [!] --probability p}: the kernel matches with exactly {@code P / 2^31}; the draw is
 * a choice point with outcomes {@code match (p=...)} and {@code no match} (none when P is 0 or 2^31).
 */
final class RandomEvaluator implements MatchEvaluator {
    private final long matchNumerator;
    private final String reason;
    private final List<String> outcomes;
    private final List<Double> probabilities;

    RandomEvaluator(OptionValue.Probability p, boolean negated, String text) {
        this.matchNumerator = negated ? OptionValue.Probability.SCALE - p.numerator() : p.numerator();
        this.reason = text;
        double pm = matchNumerator / (double) OptionValue.Probability.SCALE;
        this.outcomes = List.of("match (p=" + render(matchNumerator) + ")", "no match");
        this.probabilities = List.of(pm, 1.0 - pm);
    }

    static String render(long numerator) {
        return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(OptionValue.Probability.SCALE), 11,
                RoundingMode.HALF_EVEN).toPlainString();
    }

    @Override
    public boolean test(Evaluation e) {
        if (matchNumerator >= OptionValue.Probability.SCALE) {
            return true;
        }
        if (matchNumerator <= 0) {
            return false;
        }
        return e.choose(reason, outcomes, probabilities) == 0;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(reason, matchNumerator <= 0 ? "probability 0" : "random draw: no match");
    }
}
