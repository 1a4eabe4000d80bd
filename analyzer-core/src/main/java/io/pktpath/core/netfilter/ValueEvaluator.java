package io.pktpath.core.netfilter;

import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A numeric header test ({@code -m length}, {@code -m ttl}, {@code -m hl}): a predicate over one packet value,
 * negation applied, reported as {@code label value}.
 */
final class ValueEvaluator implements MatchEvaluator {
    private final ToLongFunction<Evaluation> value;
    private final Predicate<Long> test;
    private final boolean negated;
    private final String label;
    private final String text;

    ValueEvaluator(ToLongFunction<Evaluation> value, Predicate<Long> test, boolean negated, String label, String text) {
        this.value = value;
        this.test = test;
        this.negated = negated;
        this.label = label;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        return test.test(value.applyAsLong(e)) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, label + " " + value.applyAsLong(e));
    }

    @Override
    public boolean pure() {
        return true;
    }
}
