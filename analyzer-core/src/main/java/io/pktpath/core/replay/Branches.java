package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import java.util.List;
import java.util.function.Function;

/** Public access to branch enumeration for callers outside the replay loop (the synthetic tracer). */
public final class Branches {
    private Branches() {
    }

    /** One enumerated branch: the run's result, its probability, and the choices that lead to it. */
    public record Branch<R>(R result, double probability, String label) {
    }

    /** Every branch of {@code run}, first in rule order first, at most {@code limit}. */
    public static <R> List<Branch<R>> enumerate(Function<ChoiceOracle, R> run, int limit) {
        return BranchEnumerator.enumerate(run, limit).branches().stream()
                .map(b -> new Branch<>(b.result(), b.probability(), b.label())).toList();
    }
}
