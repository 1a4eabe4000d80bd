package io.pktpath.gui.path;

import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;

import java.util.Optional;

/** The step tree beside the drawing: hook → table and chain → rule with its source line, every node expanded. */
public final class StepTreeView extends TreeView<StepNode> {
    public StepTreeView(PathViewModel model) {
        setId("stepTree");
        setShowRoot(true);
        setCellFactory(t -> new StepCell());
        model.treeProperty().addListener((obs, old, tree) -> show(tree));
        show(model.treeProperty().get());
    }

    /** Shows {@code tree} with the step that decided the packet's fate selected and scrolled into view. */
    private void show(Optional<StepNode> tree) {
        setRoot(tree.map(StepTreeView::item).orElse(null));
        decisive(getRoot()).ifPresent(item -> {
            getSelectionModel().select(item);
            scrollTo(Math.max(0, getRow(item) - 3));
        });
    }

    private static Optional<TreeItem<StepNode>> decisive(TreeItem<StepNode> item) {
        if (item == null) {
            return Optional.empty();
        }
        if (item.getValue().decisive()) {
            return Optional.of(item);
        }
        for (TreeItem<StepNode> c : item.getChildren()) {
            Optional<TreeItem<StepNode>> found = decisive(c);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static TreeItem<StepNode> item(StepNode node) {
        TreeItem<StepNode> item = new TreeItem<>(node);
        node.children().forEach(c -> item.getChildren().add(item(c)));
        item.setExpanded(true);
        return item;
    }

    private static final class StepCell extends TreeCell<StepNode> {
        @Override
        protected void updateItem(StepNode node, boolean empty) {
            super.updateItem(node, empty);
            getStyleClass().removeIf(c -> c.startsWith("step-"));
            if (empty || node == null) {
                setText(null);
                return;
            }
            setText(node.text());
            getStyleClass().add("step-" + node.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (node.decisive()) {
                getStyleClass().add("step-decisive");
            }
        }
    }
}
