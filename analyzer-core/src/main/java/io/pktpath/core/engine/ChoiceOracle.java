package io.pktpath.core.engine;

/**
 * Decides undecidable matches during one replay run: returns the index of the outcome to follow. The replay runs a
 * packet once per combination of choices (see {@code io.pktpath.core.replay}) so every branch is enumerated, and picks
 * the one the capture shows happened.
 */
public interface ChoiceOracle {
    int choose(ChoicePoint point);

    /** Always the first outcome in rule order. */
    ChoiceOracle FIRST = point -> 0;
}
