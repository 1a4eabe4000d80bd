package io.pktpath.gui.findings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.gui.app.SessionView;
import io.pktpath.gui.app.Tables;
import io.pktpath.gui.session.Session;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/** The findings tab: drops by cause, races, findings and assumptions, with the detail and the frames of the chosen one. */
public final class FindingsView implements SessionView {
    private final TableView<FindingItem> table = new TableView<>();
    private final TextArea detail = new TextArea();
    private final ListView<Long> frames;
    private final SplitPane pane;

    public FindingsView(LongPredicate selectFrame) {
        frames = Tables.frameList("findingFrames", selectFrame);
        table.setId("findingsTable");
        table.getColumns().add(Tables.column("Kind", 90, FindingItem::category));
        table.getColumns().add(Tables.column("Severity", 80, FindingItem::severity));
        table.getColumns().add(Tables.column("What", 760, FindingItem::title));
        table.getColumns().add(Tables.column("Frames", 70, i -> i.frames().size()));
        detail.setEditable(false);
        detail.setWrapText(true);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> {
            detail.setText(item == null ? "" : item.title() + "\n\n" + String.join("\n", item.detail()));
            frames.getItems().setAll(item == null ? List.of() : item.frames());
        });
        table.setPlaceholder(new Label("no drops, races or findings"));
        VBox side = new VBox(4, detail, new Label("Frames (double-click to open)"), frames);
        pane = new SplitPane(table, new BorderPane(side));
        pane.setDividerPositions(0.65);
    }

    @Override
    public String title() {
        return "Findings";
    }

    @Override
    public Node node() {
        return pane;
    }

    @Override
    public void setSession(Optional<Session> session) {
        table.getItems().setAll(session.map(s -> FindingItem.of(s.result())).orElse(List.of()));
    }

    public TableView<FindingItem> table() {
        return table;
    }

    public ListView<Long> frames() {
        return frames;
    }

    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("view", "findings");
        ArrayNode a = o.putArray("items");
        for (FindingItem i : table.getItems()) {
            ObjectNode n = a.addObject();
            n.put("kind", i.category());
            n.put("severity", i.severity());
            n.put("title", i.title());
            ArrayNode d = n.putArray("detail");
            i.detail().forEach(d::add);
            ArrayNode f = n.putArray("frames");
            i.frames().forEach(f::add);
        }
        return o;
    }
}
