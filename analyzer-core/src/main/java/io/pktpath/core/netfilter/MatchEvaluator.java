package io.pktpath.core.netfilter;

/**
 * One compiled condition of a rule, chosen once at compile time for its match kind: {@link #test} decides it for the
 * packet of an evaluation (asking the oracle or recording state updates when it must), {@link #explain} says, without
 * side effects, what it compared when it did not hold (only called when misses are collected).
 */
interface MatchEvaluator {
    boolean test(Evaluation e);

    Mismatch explain(Evaluation e);

    /** True if {@link #test} has no effect besides its answer (no oracle, no state, no notes): the chain index may skip it. */
    default boolean pure() {
        return false;
    }

    /** The failing option as written ({@code -m tcp --dport 443}) and the packet's value ({@code dport 80}). */
    record Mismatch(String failedMatch, String packetValue) {
    }
}
