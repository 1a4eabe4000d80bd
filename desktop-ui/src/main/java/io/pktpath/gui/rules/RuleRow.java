package io.pktpath.gui.rules;

import io.pktpath.core.trace.RuleRef;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the rules view: a family, a table, a chain (with its policy) or a rule (with its reference, packets
 * and bytes from the replay, and heat from 0 = never hit to 1 = the most hit rule); children below it.
 */
public record RuleRow(Level level, String text, Optional<RuleRef> rule, long packets, long bytes, double heat,
                      List<RuleRow> children) {
    /** What a row stands for. */
    public enum Level { FAMILY, TABLE, CHAIN, RULE }

    public RuleRow {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(rule, "rule");
        children = List.copyOf(children);
    }

    /** A rule the capture never hit. */
    public boolean neverHit() {
        return level == Level.RULE && packets == 0;
    }

    /** This row and every row below it, depth first. */
    public List<RuleRow> flatten() {
        java.util.ArrayList<RuleRow> all = new java.util.ArrayList<>();
        all.add(this);
        children.forEach(c -> all.addAll(c.flatten()));
        return all;
    }
}
