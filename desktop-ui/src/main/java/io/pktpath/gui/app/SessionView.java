package io.pktpath.gui.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.pktpath.gui.session.Session;
import javafx.scene.Node;

import java.util.Optional;

/** A tab of the main window that shows one aspect of a session and can export what it shows as JSON. */
public interface SessionView {
    /** The tab's title. */
    String title();

    /** The tab's content. */
    Node node();

    /** Shows a new session (empty: nothing loaded). */
    void setSession(Optional<Session> session);

    /** What the view shows now, as JSON (the filtered rows, the chosen section...). */
    JsonNode toJson();
}
