package io.pktpath.gui.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.report.ReportJson;
import io.pktpath.gui.app.SessionView;
import io.pktpath.gui.app.Tables;
import io.pktpath.gui.session.Session;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The flows tab: every connection conntrack had, with NAT, state, an overlay tunnel's carrier flows marked with what they
 * carried and the flows it carried with their carrier flows, and counts, and its frames, each opening in the table.
 */
public final class FlowsView implements SessionView {
    private final TableView<FlowRow> table = new TableView<>();
    private final ListView<Long> frames;
    private final Label framesTitle = new Label("choose a flow to list its frames");
    private final SplitPane pane;

    public FlowsView(LongPredicate selectFrame) {
        frames = Tables.frameList("flowFrames", selectFrame);
        table.setId("flowsTable");
        table.getColumns().add(Tables.column("Id", 50, FlowRow::id));
        table.getColumns().add(Tables.column("Proto", 60, FlowRow::protocol));
        table.getColumns().add(Tables.column("Original", 260, FlowRow::original));
        table.getColumns().add(Tables.column("Reply", 260, FlowRow::reply));
        table.getColumns().add(Tables.column("NAT", 330, FlowRow::nat));
        table.getColumns().add(Tables.column("State", 150, FlowRow::state));
        table.getColumns().add(Tables.column("Outcome", 120, FlowRow::outcome));
        table.getColumns().add(Tables.column("Tunnel", 260, FlowRow::tunnel));
        table.getColumns().add(Tables.column("Pkts orig", 80, FlowRow::packetsOriginal));
        table.getColumns().add(Tables.column("Pkts reply", 80, FlowRow::packetsReply));
        table.getColumns().add(Tables.column("Bytes", 80, FlowRow::bytes));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, f) -> {
            frames.getItems().setAll(f == null ? List.of() : f.frames());
            framesTitle.setText(f == null ? "choose a flow to list its frames"
                    : "flow " + f.id() + ": " + f.frames().size() + " frames; double-click one to open it");
        });
        table.setPlaceholder(new Label("no connections: conntrack is off or nothing was replayed"));
        pane = new SplitPane(table, new BorderPane(frames, framesTitle, null, null, null));
        pane.setDividerPositions(0.85);
    }

    /** The rows of a session, in conntrack id order. */
    public static List<FlowRow> rows(Session s) {
        return s.result().flows().stream().map(FlowRow::of).toList();
    }

    @Override
    public String title() {
        return "Flows";
    }

    @Override
    public Node node() {
        return pane;
    }

    @Override
    public void setSession(Optional<Session> session) {
        table.getItems().setAll(session.map(FlowsView::rows).orElse(List.of()));
    }

    public TableView<FlowRow> table() {
        return table;
    }

    /** The visible flows in the shape of {@code pktpath flows --format json} (docs/cli.md), under {@code flows}. */
    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("view", "flows");
        o.set("flows", ReportJson.flows(table.getItems().stream().map(FlowRow::record).toList()));
        return o;
    }
}
