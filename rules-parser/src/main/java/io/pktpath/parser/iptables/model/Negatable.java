package io.pktpath.parser.iptables.model;

import java.util.Objects;

/** A match value with its own {@code !}: the option holds when the value test is true, or false if {@code negated}. */
public record Negatable<T>(T value, boolean negated) {
    public Negatable {
        Objects.requireNonNull(value, "value");
    }

    /** Applies the negation to the outcome of testing {@link #value()}. */
    public boolean apply(boolean valueTestHolds) {
        return valueTestHolds != negated;
    }
}
