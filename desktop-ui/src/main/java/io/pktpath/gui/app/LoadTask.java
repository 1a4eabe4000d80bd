package io.pktpath.gui.app;

import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.concurrent.Task;

/** Loads and replays a bundle off the UI thread, reporting the frames replayed and stopping on cancel. */
public final class LoadTask extends Task<Session> {
    private final SessionLoader loader;
    private final SessionSource source;

    public LoadTask(SessionLoader loader, SessionSource source) {
        this.loader = loader;
        this.source = source;
    }

    @Override
    protected Session call() throws Exception {
        updateMessage("opening " + source.title());
        updateProgress(-1, 1);
        Session s = loader.load(source, n -> updateMessage("replaying " + source.title() + ": " + n + " frames"),
                this::isCancelled);
        if (isCancelled()) {
            s.close();
        }
        return s;
    }
}
