package io.pktpath.gui.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktpath.gui.export.Explanation;
import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.Stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The main window: menus, the tabs (frames with path and steps, rules, flows, findings, node), and a status bar
 * with the progress of loading and a cancel button; loading and replay run on a worker thread.
 */
public final class MainWindow extends BorderPane {
    private final Stage stage;
    private final SessionLoader loader;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pktpath-worker");
        t.setDaemon(true);
        return t;
    });
    private final FramesTab frames = new FramesTab(this::run);
    private final List<SessionView> views = new ArrayList<>();
    private final TabPane tabs = new TabPane();
    private final Label status = new Label("open a bundle with File > Open");
    private final ProgressBar progress = new ProgressBar(0);
    private final Button cancel = new Button("Cancel");
    private final NamespaceChoice namespace = new NamespaceChoice(this::reopenAs);
    private final ReadOnlyObjectWrapper<Optional<Session>> session = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final ReadOnlyObjectWrapper<List<String>> lastProblems = new ReadOnlyObjectWrapper<>(List.of());
    private Task<Session> loading;
    /** The background work shown in the status bar (a re-derivation), and the status it replaced. */
    private Task<?> shownWork;
    private String statusBeforeWork = "";

    public MainWindow(Stage stage, SessionLoader loader) {
        this.stage = stage;
        this.loader = loader;
        views.add(frames);
        views.addAll(OtherViews.create(this::selectFrame));
        for (SessionView v : views) {
            Tab tab = new Tab(v.title(), v.node());
            tab.setClosable(false);
            tab.setId("tab-" + v.title().toLowerCase(java.util.Locale.ROOT));
            tabs.getTabs().add(tab);
        }
        setTop(new MainMenu(this).bar());
        setCenter(tabs);
        progress.setVisible(false);
        cancel.setVisible(false);
        cancel.setId("cancelLoad");
        cancel.setOnAction(e -> cancelLoading());
        status.setId("status");
        HBox bar = new HBox(8, status, namespace.node(), progress, cancel);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        bar.setStyle("-fx-padding: 3 8 3 8; -fx-background-color: #eeeeee");
        setBottom(bar);
    }

    /** Opens {@code source} in the background; the returned task finishes when its session is shown. */
    public Task<Session> open(SessionSource source) {
        cancelLoading();
        shownWork = null;
        LoadTask task = new LoadTask(loader, source);
        status.textProperty().bind(task.messageProperty());
        progress.progressProperty().bind(task.progressProperty());
        progress.setVisible(true);
        cancel.setVisible(true);
        task.setOnSucceeded(e -> {
            finished("");
            show(source, task.getValue());
        });
        task.setOnFailed(e -> {
            Throwable t = task.getException();
            String message = t.getMessage() == null ? t.toString() : t.getMessage();
            finished("could not open " + source.title() + ": " + message);
            lastProblems.set(List.of(message));
            ProblemsDialog.failed(message).show();
        });
        task.setOnCancelled(e -> finished("loading " + source.title() + " cancelled; nothing was replaced"));
        loading = task;
        run(task);
        return task;
    }

    private void show(SessionSource source, Session s) {
        session.get().ifPresent(MainWindow::closeQuietly);
        session.set(Optional.of(s));
        stage.setTitle("pktpath — " + source.title());
        views.forEach(v -> v.setSession(Optional.of(s)));
        namespace.show(s);
        status.setText(source.title() + ": " + s.rows().size() + " frames, "
                + s.rows().stream().filter(r -> r.disposition().isFailure()).count() + " failed");
        lastProblems.set(s.problems());
        if (!s.problems().isEmpty()) {
            ProblemsDialog.of(source.title(), s.problems()).show();
        }
    }

    /** Reloads the session shown as network namespace {@code netns} of its sosreport (empty: as the node). */
    private void reopenAs(Optional<String> netns) {
        session.get().ifPresent(s -> open(s.source().withNetns(netns)));
    }

    /** The choice of the network namespace an sosreport is read as (shown when the bundle holds namespaces). */
    public NamespaceChoice namespaceChoice() {
        return namespace;
    }

    private void finished(String message) {
        status.textProperty().unbind();
        progress.progressProperty().unbind();
        progress.setVisible(false);
        cancel.setVisible(false);
        if (!message.isEmpty()) {
            status.setText(message);
        }
    }

    /** Cancels a load in progress (the session shown stays). */
    public void cancelLoading() {
        if (loading != null && loading.isRunning()) {
            loading.cancel();
        }
    }

    /**
     * Runs {@code task} on a worker thread. A task that says what it is doing (re-deriving a frame's trace) shows that
     * and its progress in the status bar while it runs, unless a bundle is loading.
     */
    public void run(Task<?> task) {
        if (task != loading) {
            task.messageProperty().addListener((o, was, now) -> showWork(task));
        }
        workers.submit(task);
    }

    private void showWork(Task<?> task) {
        if (loading != null && loading.isRunning() || shownWork == task || task.isDone()) {
            return;
        }
        if (shownWork == null) {
            statusBeforeWork = status.getText();
        }
        shownWork = task;
        status.textProperty().bind(task.messageProperty());
        progress.progressProperty().bind(task.progressProperty());
        progress.setVisible(true);
        task.runningProperty().addListener((o, was, now) -> {
            if (!now && shownWork == task) {
                shownWork = null;
                status.textProperty().unbind();
                progress.progressProperty().unbind();
                progress.setVisible(false);
                status.setText(statusBeforeWork);
            }
        });
    }

    /** Shows the frames tab with {@code frame} selected. */
    public boolean selectFrame(long frame) {
        tabs.getSelectionModel().select(0);
        return frames.workspace().selectFrame(frame);
    }

    /** Puts the selected frame's explanation on the clipboard; returns it (empty: nothing selected). */
    public String copyExplanation() {
        String text = frames.workspace().pathModel().traceProperty().get()
                .map(t -> Explanation.text(t, frames.workspace().pathModel().showMissesProperty().get())).orElse("");
        if (!text.isEmpty()) {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
            status.setText("explanation of the selected frame copied");
        }
        return text;
    }

    /** Writes the current tab's view as pretty JSON to {@code file}. */
    public void exportView(Path file) throws IOException {
        SessionView v = views.get(tabs.getSelectionModel().getSelectedIndex());
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(v.toJson()));
        status.setText(v.title() + " view exported to " + file);
    }

    public Stage stage() {
        return stage;
    }

    public FrameWorkspace workspace() {
        return frames.workspace();
    }

    public TabPane tabs() {
        return tabs;
    }

    public List<SessionView> views() {
        return List.copyOf(views);
    }

    public ReadOnlyObjectProperty<Optional<Session>> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    /** The problems of the last open (diagnostics, or why nothing could be opened). */
    public ReadOnlyObjectProperty<List<String>> problemsProperty() {
        return lastProblems.getReadOnlyProperty();
    }

    /** Closes the session (temporary files) and stops the workers. */
    public void shutdown() {
        cancelLoading();
        session.get().ifPresent(MainWindow::closeQuietly);
        workers.shutdownNow();
    }

    private static void closeQuietly(Session s) {
        try {
            s.close();
        } catch (IOException e) {
            System.err.println("pktpath: could not delete the extracted bundle: " + e.getMessage());
        }
    }
}
