package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.trace.DeferredText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a side-effect-free packet path once per combination of choices (depth first, rule order first), so that every
 * branch of random rules and undecidable matches is known with its probability.
 */
final class BranchEnumerator {
    /**
     * One branch: the run's result, the choice points met, the outcome taken at each, the branch's probability and its
     * label, written when read ({@link BranchLabel}).
     */
    record Branch<R>(R result, List<ChoicePoint> points, List<Integer> picks, double probability, DeferredText labelText) {
        /** The choices that lead to this branch, as the trace names them. */
        String label() {
            return labelText.toString();
        }
    }

    private BranchEnumerator() {
    }

    /**
     * Every branch, first in rule order first; at most {@code limit} (the rest are dropped and {@code truncated} says so).
     * A run that met no choice point is its only branch ({@link OneRun}).
     */
    static <R> Runs<R> enumerate(Function<ChoiceOracle, R> run, int limit) {
        if (limit <= 0) {
            return new Enumeration<>(List.of(), true);
        }
        ScriptedOracle first = new ScriptedOracle(NO_CHOICES);
        R firstResult = run.apply(first);
        if (first.points().isEmpty()) {
            // no choice point: the only branch (most packets), without the bookkeeping of the search below
            return new OneRun<>(firstResult);
        }
        List<Branch<R>> branches = new ArrayList<>();
        Deque<int[]> pending = new ArrayDeque<>();
        pending.push(NO_CHOICES);
        boolean truncated = false;
        while (!pending.isEmpty()) {
            if (branches.size() == limit) {
                truncated = true;
                break;
            }
            int[] prefix = pending.pop();
            ScriptedOracle oracle = prefix == NO_CHOICES ? first : new ScriptedOracle(prefix);
            R result = prefix == NO_CHOICES ? firstResult : run.apply(oracle);
            List<Integer> picks = oracle.picks();
            List<ChoicePoint> points = oracle.points();
            branches.add(new Branch<>(result, points, picks, oracle.probability(), BranchLabel.of(points, picks)));
            List<int[]> children = new ArrayList<>();
            for (int i = prefix.length; i < picks.size(); i++) {
                int outcomes = points.get(i).outcomes().size();
                for (int k = 1; k < outcomes; k++) {
                    int[] child = new int[i + 1];
                    for (int j = 0; j < i; j++) {
                        child[j] = picks.get(j);
                    }
                    child[i] = k;
                    children.add(child);
                }
            }
            for (int c = children.size() - 1; c >= 0; c--) {
                pending.push(children.get(c));
            }
        }
        return new Enumeration<>(List.copyOf(branches), truncated);
    }

    /** The branch of a run that met no choice point: probability 1, labelled as the only path. */
    static <R> Branch<R> onlyBranch(R result) {
        return new Branch<>(result, List.of(), List.of(), 1.0, BranchLabel.ONLY_PATH);
    }

    private static final int[] NO_CHOICES = new int[0];

    /**
     * The runs of one packet's path, one per branch, first in rule order first, as the replay chooses among them by
     * index.
     */
    sealed interface Runs<R> permits Enumeration, OneRun {
        /** How many branches there are. */
        int size();

        /** The run of branch {@code index}. */
        R run(int index);

        /** The branches with their choices, probabilities and labels. */
        List<Branch<R>> branches();

        /** Whether the limit cut the enumeration short. */
        boolean truncated();
    }

    /** The branches found and whether the limit cut the enumeration short. */
    record Enumeration<R>(List<Branch<R>> branches, boolean truncated) implements Runs<R> {
        Enumeration {
            branches = List.copyOf(branches);
        }

        @Override
        public int size() {
            return branches.size();
        }

        @Override
        public R run(int index) {
            return branches.get(index).result();
        }
    }

    /**
     * The one run of a path that met no choice point (a walk without one, or a remembered path): its only branch, made
     * only when asked for, so that a packet with one path needs no list and no branch of its own.
     */
    record OneRun<R>(R result) implements Runs<R> {
        public OneRun {
            java.util.Objects.requireNonNull(result, "result");
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public R run(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException("branch " + index + " of the only one");
            }
            return result;
        }

        /** The only branch, as {@link #onlyBranch} gives it. */
        @Override
        public List<Branch<R>> branches() {
            return List.of(onlyBranch(result));
        }

        @Override
        public boolean truncated() {
            return false;
        }
    }
}
