package io.pktpath.gui.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.report.TraceJson;
import io.pktpath.gui.export.FramesJson;
import io.pktpath.gui.session.Session;
import javafx.concurrent.Task;
import javafx.scene.Node;

import java.util.Optional;
import java.util.function.Consumer;

/** The frames tab as a {@link SessionView}: its JSON is the filtered rows and the selected frame's full trace. */
public final class FramesTab implements SessionView {
    private final FrameWorkspace workspace;
    private Optional<Session> session = Optional.empty();

    public FramesTab(Consumer<Task<?>> background) {
        workspace = new FrameWorkspace(background);
    }

    public FrameWorkspace workspace() {
        return workspace;
    }

    @Override
    public String title() {
        return "Frames";
    }

    @Override
    public Node node() {
        return workspace;
    }

    @Override
    public void setSession(Optional<Session> s) {
        session = s;
        workspace.setSession(s);
    }

    @Override
    public JsonNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("view", "frames");
        session.ifPresent(s -> o.set("frames", FramesJson.of(workspace.tableModel().visible(), s)));
        workspace.pathModel().traceProperty().get().ifPresentOrElse(t -> o.set("selected", TraceJson.frame(t, true)),
                () -> o.putNull("selected"));
        return o;
    }
}
