package io.pktpath.gui.path;

import java.util.List;
import java.util.Objects;

/**
 * How one stage is drawn for the selected packet: whether the packet went through it, whether it failed there, the
 * tables at the hook (those that ran for the packet, or those the node has there), and the lines written under the
 * box (NAT rewrites as before → after, the route and neighbor decisions, failed checks, the dropping rule).
 */
public record StageView(Stage stage, boolean visited, boolean failed, List<String> tables, List<String> lines) {
    public StageView {
        Objects.requireNonNull(stage, "stage");
        tables = List.copyOf(tables);
        lines = List.copyOf(lines);
    }
}
