package io.pktpath.gui.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.gui.app.SessionView;
import io.pktpath.gui.session.Session;
import javafx.scene.Node;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;

import java.util.List;
import java.util.Optional;

/** The node tab: interfaces and addresses, routes and ip rules, neighbors and the sysctls that matter. */
public final class NodeView implements SessionView {
    private final TreeView<String> tree = new TreeView<>();
    private List<NodeSection> sections = List.of();

    public NodeView() {
        tree.setId("nodeTree");
        tree.setShowRoot(false);
        tree.setStyle("-fx-font-family: monospace");
    }

    @Override
    public String title() {
        return "Node";
    }

    @Override
    public Node node() {
        return tree;
    }

    @Override
    public void setSession(Optional<Session> session) {
        sections = session.map(s -> NodeSection.of(s.bundle())).orElse(List.of());
        TreeItem<String> root = new TreeItem<>("node");
        for (NodeSection s : sections) {
            TreeItem<String> item = new TreeItem<>(s.title());
            s.lines().forEach(l -> item.getChildren().add(new TreeItem<>(l)));
            item.setExpanded(true);
            root.getChildren().add(item);
        }
        tree.setRoot(root);
    }

    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("view", "node");
        ArrayNode a = o.putArray("sections");
        for (NodeSection s : sections) {
            ObjectNode n = a.addObject();
            n.put("title", s.title());
            ArrayNode lines = n.putArray("lines");
            s.lines().forEach(lines::add);
        }
        return o;
    }
}
