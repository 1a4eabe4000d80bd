package io.pktpath.core.netfilter;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/** Enumerates every branch of a walk by replaying it with a recording oracle, depth first in outcome order. */
final class Branches {
    private Branches() {
    }

    /** One combination of choices, the choice points met, the product of their probabilities, and the walk. */
    record Branch<T>(List<Integer> choices, List<ChoicePoint> points, double probability, T walk) {
    }

    static <T> List<Branch<T>> enumerate(Function<ChoiceOracle, T> run) {
        List<Branch<T>> out = new ArrayList<>();
        Deque<List<Integer>> todo = new ArrayDeque<>();
        todo.push(List.of());
        while (!todo.isEmpty()) {
            List<Integer> prefix = todo.pop();
            List<Integer> taken = new ArrayList<>();
            List<ChoicePoint> points = new ArrayList<>();
            T walk = run.apply(point -> {
                int choice = taken.size() < prefix.size() ? prefix.get(taken.size()) : 0;
                taken.add(choice);
                points.add(point);
                return choice;
            });
            double p = 1;
            for (int i = 0; i < points.size(); i++) {
                p *= points.get(i).probabilities().get(taken.get(i));
            }
            out.add(new Branch<>(List.copyOf(taken), List.copyOf(points), p, walk));
            for (int i = prefix.size(); i < points.size(); i++) {
                for (int alt = points.get(i).outcomes().size() - 1; alt >= 1; alt--) {
                    List<Integer> next = new ArrayList<>(taken.subList(0, i));
                    next.add(alt);
                    todo.push(next);
                }
            }
        }
        return out;
    }
}
