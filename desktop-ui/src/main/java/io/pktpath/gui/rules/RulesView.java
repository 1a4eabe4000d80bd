package io.pktpath.gui.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.gui.app.SessionView;
import io.pktpath.gui.app.Tables;
import io.pktpath.gui.session.Session;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;

import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The rules tab: tables and chains as the node has them, each rule with its hit count on a heat scale (never-hit
 * rules marked), and the frames that hit the chosen rule, each opening in the frame table.
 */
public final class RulesView implements SessionView {
    private static final int SHOWN_FRAMES = 10_000;
    private final TreeTableView<RuleRow> tree = new TreeTableView<>();
    private final ListView<Long> frames;
    private final Label framesTitle = new Label("choose a rule to list the frames that hit it");
    private final SplitPane pane;
    private Optional<RulesModel> model = Optional.empty();

    public RulesView(LongPredicate selectFrame) {
        frames = Tables.frameList("ruleFrames", selectFrame);
        tree.setId("rulesTree");
        tree.setShowRoot(false);
        TreeTableColumn<RuleRow, String> rule = new TreeTableColumn<>("Table / chain / rule");
        rule.setPrefWidth(900);
        rule.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().text()));
        rule.setCellFactory(c -> new HeatCell());
        TreeTableColumn<RuleRow, String> packets = new TreeTableColumn<>("Packets");
        packets.setPrefWidth(90);
        packets.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(count(c.getValue().getValue())));
        TreeTableColumn<RuleRow, String> bytes = new TreeTableColumn<>("Bytes");
        bytes.setPrefWidth(90);
        bytes.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().level() == RuleRow.Level.RULE
                ? Long.toString(c.getValue().getValue().bytes()) : ""));
        TreeTableColumn<RuleRow, String> line = new TreeTableColumn<>("Source");
        line.setPrefWidth(160);
        line.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue().rule()
                .map(r -> r.span().toString()).orElse("")));
        tree.getColumns().add(rule);
        tree.getColumns().add(packets);
        tree.getColumns().add(bytes);
        tree.getColumns().add(line);
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> listFrames(item));
        pane = new SplitPane(tree, new BorderPane(frames, framesTitle, null, null, null));
        pane.setDividerPositions(0.8);
    }

    private static String count(RuleRow r) {
        if (r.level() == RuleRow.Level.RULE) {
            return r.neverHit() ? "never hit" : Long.toString(r.packets());
        }
        return r.level() == RuleRow.Level.CHAIN && r.packets() > 0 ? "policy " + r.packets() : "";
    }

    private void listFrames(TreeItem<RuleRow> item) {
        frames.getItems().clear();
        if (item == null || model.isEmpty() || item.getValue().level() != RuleRow.Level.RULE) {
            framesTitle.setText("choose a rule to list the frames that hit it");
            return;
        }
        long[] hit = model.get().frames(item.getValue());
        framesTitle.setText(hit.length + (hit.length == 1 ? " frame hit" : " frames hit") + " this rule"
                + (hit.length > SHOWN_FRAMES ? " (first " + SHOWN_FRAMES + " listed)" : "")
                + (hit.length > 0 ? "; double-click one to open it" : ""));
        for (int i = 0; i < Math.min(hit.length, SHOWN_FRAMES); i++) {
            frames.getItems().add(hit[i]);
        }
    }

    @Override
    public String title() {
        return "Rules";
    }

    @Override
    public Node node() {
        return pane;
    }

    @Override
    public void setSession(Optional<Session> session) {
        model = session.map(RulesModel::of);
        TreeItem<RuleRow> root = new TreeItem<>(new RuleRow(RuleRow.Level.FAMILY, "", Optional.empty(), 0, 0, 0,
                java.util.List.of()));
        model.ifPresent(m -> m.roots().forEach(r -> root.getChildren().add(item(r))));
        tree.setRoot(root);
        listFrames(null);
    }

    private static TreeItem<RuleRow> item(RuleRow row) {
        TreeItem<RuleRow> item = new TreeItem<>(row);
        row.children().forEach(c -> item.getChildren().add(item(c)));
        item.setExpanded(row.level() != RuleRow.Level.CHAIN || row.children().stream().anyMatch(r -> !r.neverHit()));
        return item;
    }

    /** The tree (for tests). */
    public TreeTableView<RuleRow> tree() {
        return tree;
    }

    /** The frames listed for the chosen rule (for tests). */
    public ListView<Long> frames() {
        return frames;
    }

    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("view", "rules");
        ArrayNode rules = o.putArray("rules");
        model.ifPresent(m -> m.rules().forEach(r -> {
            ObjectNode n = rules.addObject();
            n.put("family", r.rule().get().family());
            n.put("table", r.rule().get().table());
            n.put("chain", r.rule().get().chain());
            n.put("rule", r.rule().get().position());
            n.put("line", r.rule().get().span().line());
            if (r.rule().get().span().column() > 0) {
                n.put("column", r.rule().get().span().column());
            }
            n.put("text", r.rule().get().text());
            n.put("packets", r.packets());
            n.put("bytes", r.bytes());
            n.put("neverHit", r.neverHit());
        }));
        return o;
    }

    /** Colors a rule's cell by its heat: white for cold to red for the most hit; never-hit rules grey and italic. */
    private static final class HeatCell extends TreeTableCell<RuleRow, String> {
        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            RuleRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
            if (empty || row == null) {
                setText(null);
                setStyle("");
                return;
            }
            setText(text);
            if (row.neverHit()) {
                setStyle("-fx-text-fill: #999999; -fx-font-style: italic;");
            } else if (row.level() == RuleRow.Level.RULE) {
                setStyle("-fx-background-color: " + RulesModel.heatColor(row.heat()) + ";");
            } else {
                setStyle("-fx-font-weight: bold;");
            }
        }
    }
}
