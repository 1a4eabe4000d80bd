package io.pktpath.core.engine;

import io.pktpath.core.trace.RuleRef;
import java.util.List;
import java.util.Objects;

/**
 * A place where the replay cannot decide alone: the rule, why, the possible outcomes in rule order (index 0 is taken
 * first), and each outcome's probability (NaN when unknown, e.g. an unsupported match that may be true or false).
 */
public record ChoicePoint(RuleRef rule, String reason, List<String> outcomes, List<Double> probabilities) {
    public ChoicePoint {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
        outcomes = List.copyOf(outcomes);
        probabilities = List.copyOf(probabilities);
        if (outcomes.size() != probabilities.size() || outcomes.size() < 2) {
            throw new IllegalArgumentException("a choice point has two or more outcomes, each with a probability");
        }
    }
}
