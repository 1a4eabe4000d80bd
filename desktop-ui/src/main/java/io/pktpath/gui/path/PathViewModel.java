package io.pktpath.gui.path;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PacketTrace;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The selected frame's explanation for the path drawing and the step tree: the trace, its diagram, its step tree,
 * and whether the tree lists the rules that did not match.
 */
public final class PathViewModel {
    private final ObjectProperty<Optional<PacketTrace>> trace = new SimpleObjectProperty<>(Optional.empty());
    private final ObjectProperty<PathDiagram> diagram = new SimpleObjectProperty<>(PathDiagram.empty(Map.of()));
    private final ObjectProperty<Optional<StepNode>> tree = new SimpleObjectProperty<>(Optional.empty());
    private final BooleanProperty showMisses = new SimpleBooleanProperty(false);
    private Map<Hook, List<String>> nodeTables = Map.of();

    public PathViewModel() {
        showMisses.addListener((obs, old, on) -> rebuild());
    }

    /** A new node: the tables drawn at each hook when no frame is selected. */
    public void setNodeTables(Map<Hook, List<String>> tables) {
        nodeTables = Map.copyOf(tables);
        trace.set(Optional.empty());
        rebuild();
    }

    /** Shows {@code t}'s path (empty: nothing selected). */
    public void show(Optional<PacketTrace> t) {
        trace.set(t);
        rebuild();
    }

    private void rebuild() {
        diagram.set(trace.get().map(t -> PathDiagram.of(t, nodeTables)).orElse(PathDiagram.empty(nodeTables)));
        tree.set(trace.get().map(t -> StepTree.of(t, showMisses.get())));
    }

    public ReadOnlyObjectProperty<Optional<PacketTrace>> traceProperty() {
        return trace;
    }

    public ReadOnlyObjectProperty<PathDiagram> diagramProperty() {
        return diagram;
    }

    public ReadOnlyObjectProperty<Optional<StepNode>> treeProperty() {
        return tree;
    }

    public BooleanProperty showMissesProperty() {
        return showMisses;
    }
}
