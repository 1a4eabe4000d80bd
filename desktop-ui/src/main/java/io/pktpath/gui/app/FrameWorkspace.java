package io.pktpath.gui.app;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.detail.FrameBytes;
import io.pktpath.gui.detail.PacketDetailModel;
import io.pktpath.gui.detail.PacketDetailView;
import io.pktpath.gui.frames.FilterBar;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.gui.frames.FrameTableModel;
import io.pktpath.gui.frames.FrameTableView;
import io.pktpath.gui.path.NodeTables;
import io.pktpath.gui.path.PathCanvas;
import io.pktpath.gui.path.PathViewModel;
import io.pktpath.gui.path.StepTreeView;
import io.pktpath.gui.session.Session;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The main tab: the filter bar and frame table on top; below, the selected frame's path drawing, and beside it the
 * step tree (with the rule misses on request) and the packet detail.
 */
public final class FrameWorkspace extends BorderPane {
    private final FrameTableModel tableModel = new FrameTableModel();
    private final PathViewModel pathModel = new PathViewModel();
    private final FrameTableView table = new FrameTableView(tableModel);
    private final FilterBar filterBar = new FilterBar(tableModel);
    private final PathCanvas canvas = new PathCanvas();
    private final StepTreeView steps = new StepTreeView(pathModel);
    private final PacketDetailView detail = new PacketDetailView();
    private final TabPane side = new TabPane();
    private final Consumer<Task<?>> background;
    private Optional<Session> session = Optional.empty();
    private Task<?> detailTask;
    /** The re-derivation of the selected frame's trace, while it runs. */
    private Task<?> traceTask;

    /** {@code background} runs a task off the UI thread. */
    public FrameWorkspace(Consumer<Task<?>> background) {
        this.background = background;
        CheckBox misses = new CheckBox("Show rules that did not match");
        misses.setId("showMisses");
        misses.selectedProperty().bindBidirectional(pathModel.showMissesProperty());
        Tab stepsTab = new Tab("Steps", new BorderPane(steps, new HBox(misses), null, null, null));
        Tab packetTab = new Tab("Packet", detail);
        stepsTab.setClosable(false);
        packetTab.setClosable(false);
        side.getTabs().addAll(stepsTab, packetTab);
        side.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> loadDetail());
        ScrollPane drawing = new ScrollPane(canvas);
        SplitPane bottom = new SplitPane(drawing, side);
        bottom.setDividerPositions(0.6);
        SplitPane main = new SplitPane(new VBox(filterBar, table), bottom);
        VBox.setVgrow(table, javafx.scene.layout.Priority.ALWAYS);
        main.setOrientation(Orientation.VERTICAL);
        main.setDividerPositions(0.42);
        setCenter(main);
        pathModel.diagramProperty().addListener((o, a, d) -> canvas.paint(d));
        canvas.paint(pathModel.diagramProperty().get());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> select(row));
        // the misses of the selected frame are found when first asked for
        pathModel.showMissesProperty().addListener((o, a, on) -> {
            if (on) {
                select(table.getSelectionModel().getSelectedItem());
            }
        });
    }

    /** Shows a new session's frames (empty: none loaded). */
    public void setSession(Optional<Session> s) {
        session = s;
        filterBar.clear();
        tableModel.setRows(s.map(Session::rows).orElse(java.util.List.of()));
        pathModel.setNodeTables(s.map(x -> NodeTables.of(x.bundle())).orElse(java.util.Map.of()));
        detail.show(Optional.empty());
        if (!tableModel.visible().isEmpty()) {
            table.getSelectionModel().select(0);
        }
    }

    /** Selects frame {@code frame} in the table (clearing the filter when it hides it); false when there is none. */
    public boolean selectFrame(long frame) {
        OptionalInt at = tableModel.indexOf(frame);
        if (at.isEmpty()) {
            filterBar.clear();
            at = tableModel.indexOf(frame);
        }
        if (at.isEmpty()) {
            return false;
        }
        table.getSelectionModel().clearAndSelect(at.getAsInt());
        table.scrollTo(Math.max(0, at.getAsInt() - 3));
        table.requestFocus();
        return true;
    }

    /** Moves the selection to the next (or previous) failed frame among the visible rows. */
    public void nextFailure(boolean forward) {
        int n = tableModel.visible().size();
        int from = table.getSelectionModel().getSelectedIndex();
        for (int step = 1; step <= n; step++) {
            int i = Math.floorMod(from + (forward ? step : -step), n);
            if (tableModel.visible().get(i).disposition().isFailure()) {
                table.getSelectionModel().clearAndSelect(i);
                table.scrollTo(Math.max(0, i - 3));
                return;
            }
        }
    }

    private void select(FrameRow row) {
        if (row == null || session.isEmpty()) {
            pathModel.show(Optional.empty());
            detail.show(Optional.empty());
            return;
        }
        Session s = session.get();
        Optional<PacketTrace> kept = s.keptTrace(row.frame());
        boolean misses = pathModel.showMissesProperty().get() && !s.hasMisses();
        pathModel.show(kept);
        if (traceTask != null) {
            // the selection moved on: a replay still running for the frame selected before is of no use now
            traceTask.cancel();
            traceTask = null;
        }
        if (kept.isEmpty() || misses) {
            // not kept, or kept without the rules that did not match: replay again up to the frame, then show it if
            // it is still the one selected
            long frame = row.frame();
            Task<Optional<PacketTrace>> task = new Task<>() {
                @Override
                protected Optional<PacketTrace> call() {
                    updateMessage((misses ? "finding the rules that did not match for frame " : "re-deriving the trace of frame ")
                            + frame);
                    java.util.function.LongConsumer progress = n -> updateProgress(Math.min(n, frame), frame);
                    return misses ? s.traceWithMisses(frame, progress, this::isCancelled)
                            : s.trace(frame, progress, this::isCancelled);
                }
            };
            traceTask = task;
            task.setOnSucceeded(e -> {
                if (row.equals(table.getSelectionModel().getSelectedItem()) && session.equals(Optional.of(s))) {
                    pathModel.show(task.getValue());
                }
            });
            background.accept(task);
        }
        loadDetail();
    }

    private void loadDetail() {
        FrameRow row = table.getSelectionModel().getSelectedItem();
        if (row == null || session.isEmpty() || side.getSelectionModel().getSelectedIndex() != 1) {
            return;
        }
        if (detailTask != null) {
            detailTask.cancel();
        }
        var capture = session.get().result().capturePath();
        if (capture.isEmpty()) {
            detail.show(Optional.empty());
            return;
        }
        Task<Optional<PacketDetailModel>> task = new Task<>() {
            @Override
            protected Optional<PacketDetailModel> call() {
                return FrameBytes.read(capture.get(), row.frame()).map(PacketDetailModel::of);
            }
        };
        task.setOnSucceeded(e -> detail.show(task.getValue()));
        detailTask = task;
        background.accept(task);
    }

    public FrameTableModel tableModel() {
        return tableModel;
    }

    public PathViewModel pathModel() {
        return pathModel;
    }

    public FrameTableView table() {
        return table;
    }

    public FilterBar filterBar() {
        return filterBar;
    }

    public PathCanvas canvas() {
        return canvas;
    }

    public StepTreeView steps() {
        return steps;
    }

    public PacketDetailView detail() {
        return detail;
    }

    /** Shows the packet detail tab (its bytes load in the background). */
    public void showPacketTab() {
        side.getSelectionModel().select(1);
    }
}
