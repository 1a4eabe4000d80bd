package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import java.util.List;
import java.util.function.Function;

/** Public access to branch enumeration for callers outside the replay loop (the synthetic tracer). */
public final class Branches {
    private Branches() {
    }

    /** One enumerated branch: the run's result, its probability, and the choices that lead to it. */
    public record Branch<R>(R result, double probability, String label, List<Integer> picks) {
        public Branch {
            picks = List.copyOf(picks);
        }
    }

    /** An oracle that replays the given picks in order (then takes the first outcome). */
    public static ChoiceOracle replaying(List<Integer> picks) {
        int[] prefix = picks.stream().mapToInt(Integer::intValue).toArray();
        return new ScriptedOracle(prefix);
    }

    /** Every branch of {@code run}, first in rule order first, at most {@code limit}. */
    public static <R> List<Branch<R>> enumerate(Function<ChoiceOracle, R> run, int limit) {
        return BranchEnumerator.enumerate(run, limit).branches().stream()
                .map(b -> new Branch<>(b.result(), b.probability(), b.label(), b.picks())).toList();
    }
}
