package io.pktpath.gui.path;

import java.util.List;
import java.util.Objects;

/**
 * One line of the step tree: its text, what kind of step it is (for the cell's style), whether it decided the
 * packet's fate, and its children (a hook holds its chains, a chain its rules).
 */
public record StepNode(String text, Kind kind, boolean decisive, List<StepNode> children) {
    /** What a node stands for. */
    public enum Kind { PACKET, HOOK, CHAIN, RULE, POLICY, RETURN, CONNTRACK, NAT, ROUTE, NEIGHBOR, CHECK, UNDECIDED, MISS, NOTE }

    public StepNode {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        children = List.copyOf(children);
    }

    public static StepNode leaf(String text, Kind kind) {
        return new StepNode(text, kind, false, List.of());
    }

    /** This node and all below it, depth first (for searching and for the plain-text explanation). */
    public List<StepNode> flatten() {
        java.util.ArrayList<StepNode> all = new java.util.ArrayList<>();
        all.add(this);
        children.forEach(c -> all.addAll(c.flatten()));
        return all;
    }

    /** The subtree as indented text, two spaces per level. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        append(sb, 0);
        return sb.toString();
    }

    private void append(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth)).append(text).append('\n');
        children.forEach(c -> c.append(sb, depth + 1));
    }
}
