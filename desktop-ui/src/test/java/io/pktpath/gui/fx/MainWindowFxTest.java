package io.pktpath.gui.fx;

import io.pktpath.core.report.ReportJson;
import io.pktpath.core.trace.Disposition;
import io.pktpath.gui.Samples;
import io.pktpath.gui.app.MainWindow;
import io.pktpath.gui.app.PktpathApp;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.gui.path.StepNode;
import io.pktpath.gui.rules.RuleRow;
import io.pktpath.gui.rules.RulesView;
import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real main window headless (Monocle): opens recorded samples, selects frames, filters. */
@ExtendWith(ApplicationExtension.class)
class MainWindowFxTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, SessionLoader.standard());
        stage.setScene(PktpathApp.scene(window));
        stage.setWidth(1100);
        stage.setHeight(700);
        stage.show();
    }

    private void open(FxRobot robot, Path bundle) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        robot.interact(() -> {
            Task<Session> task = window.open(SessionSource.of(bundle));
            // the state, not isDone(): Task posts SUCCEEDED before its FutureTask completes
            task.stateProperty().addListener((o, a, state) -> {
                if (state == Worker.State.SUCCEEDED || state == Worker.State.FAILED
                        || state == Worker.State.CANCELLED) {
                    done.countDown();
                }
            });
        });
        assertTrue(done.await(90, TimeUnit.SECONDS), "loading " + bundle + " did not finish");
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String drawing() {
        return String.join(" ", window.workspace().canvas().drawnText()).replaceAll("\\s+", " ");
    }

    private List<StepNode> treeNodes() {
        List<StepNode> all = new ArrayList<>();
        collect(window.workspace().steps().getRoot(), all);
        return all;
    }

    private static void collect(TreeItem<StepNode> item, List<StepNode> into) {
        if (item != null) {
            into.add(item.getValue());
            item.getChildren().forEach(c -> collect(c, into));
        }
    }

    @Test
    void droppedFrameNamesTheDroppingRuleInDrawingAndTree(FxRobot robot) throws Exception {
        open(robot, Samples.bundle("no-endpoints-reject"));
        robot.interact(() -> window.selectFrame(3));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(drawing().contains("✖ rejected by filter KUBE-SERVICES #1 (iptables-save.txt:33)"), drawing());
        assertTrue(drawing().contains("FORWARD"), drawing());
        List<StepNode> decisive = treeNodes().stream().filter(StepNode::decisive).toList();
        assertEquals(1, decisive.size());
        assertTrue(decisive.get(0).text().startsWith("#1 -A KUBE-SERVICES -d 10.96.0.30/32 -p tcp"),
                decisive.get(0).text());
        assertTrue(decisive.get(0).text().endsWith("(iptables-save.txt:33)  → DROP"), decisive.get(0).text());
        // the rules that did not match appear on request
        assertTrue(treeNodes().stream().noneMatch(n -> n.kind() == StepNode.Kind.MISS));
        String status = robot.lookup("#status").queryAs(javafx.scene.control.Label.class).getText();
        robot.interact(() -> robot.lookup("#showMisses").query().requestFocus());
        robot.press(KeyCode.SPACE).release(KeyCode.SPACE);
        // the frame's misses are found by a replay in the background
        String miss = "✗ #1 -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP  (iptables-save.txt:30)  no match: "
                + "-m conntrack --ctstate INVALID (packet: ctstate NEW)";
        WaitForAsyncUtils.waitFor(20, java.util.concurrent.TimeUnit.SECONDS, () -> {
            List<StepNode>[] nodes = new List[1];
            robot.interact(() -> nodes[0] = treeNodes());
            return nodes[0].stream().anyMatch(n -> n.text().equals(miss));
        });
        assertTrue(treeNodes().stream().anyMatch(StepNode::decisive), "the path is still shown with its misses");
        // the status bar shows the background replay while it runs, then the session's status again
        WaitForAsyncUtils.waitFor(20, java.util.concurrent.TimeUnit.SECONDS, () -> {
            String[] now = new String[1];
            robot.interact(() -> now[0] = robot.lookup("#status").queryAs(javafx.scene.control.Label.class).getText());
            return now[0].equals(status);
        });
        String[] copied = new String[1];
        robot.interact(() -> copied[0] = window.copyExplanation());
        assertTrue(copied[0].startsWith("Frame 3 "), copied[0]);
        assertTrue(copied[0].contains("Disposition: rejected (REJECTED)"), copied[0]);
    }

    @Test
    void natFrameShowsTheRewriteOnTheDrawing(FxRobot robot) throws Exception {
        open(robot, Samples.bundle("clusterip-tcp"));
        robot.interact(() -> window.selectFrame(3));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(drawing().contains("DNAT dst 10.96.0.10:80 → 10.244.1.3:8080"), drawing());
        assertTrue(drawing().contains("POSTROUTING"), drawing());
        assertTrue(treeNodes().stream().anyMatch(n -> n.kind() == StepNode.Kind.NAT
                && n.text().startsWith("DNAT: 10.244.1.2:33324 -> 10.96.0.10:80  →  10.244.1.2:33324 -> "
                + "10.244.1.3:8080")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void filteringByDispositionKeepsOnlyThoseRows(FxRobot robot) throws Exception {
        open(robot, Samples.bundle("no-endpoints-reject"));
        ComboBox<Optional<Disposition>> box = robot.lookup("#dispositionFilter").queryAs(ComboBox.class);
        robot.interact(() -> box.getSelectionModel().select(Optional.of(Disposition.REJECTED)));
        WaitForAsyncUtils.waitForFxEvents();
        List<FrameRow> rows = window.workspace().table().getItems();
        assertEquals(List.of(3L, 5L, 11L), rows.stream().map(FrameRow::frame).toList());
        robot.interact(() -> robot.lookup("#portFilter").query().requestFocus());
        robot.write("53");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(5L), window.workspace().table().getItems().stream().map(FrameRow::frame).toList());
        // keyboard: F8 walks the failed frames
        robot.interact(() -> window.workspace().filterBar().clear());
        robot.interact(() -> window.selectFrame(1));
        robot.press(KeyCode.F8).release(KeyCode.F8);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(3, window.workspace().table().getSelectionModel().getSelectedItem().frame());
        robot.press(KeyCode.F8).release(KeyCode.F8);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(5, window.workspace().table().getSelectionModel().getSelectedItem().frame());
    }

    @Test
    void ruleListsItsFramesAndOpensThem(FxRobot robot) throws Exception {
        open(robot, Samples.bundle("no-endpoints-reject"));
        RulesView rules = (RulesView) window.views().get(1);
        TreeItem<RuleRow> udpReject = find(rules.tree().getRoot(), "#2 -A KUBE-SERVICES -d 10.96.0.30/32 -p udp");
        robot.interact(() -> rules.tree().getSelectionModel().select(udpReject));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(5L), rules.frames().getItems());
        robot.interact(() -> {
            window.tabs().getSelectionModel().select(1);
            rules.frames().getSelectionModel().select(0);
            rules.frames().requestFocus();
        });
        robot.type(KeyCode.ENTER); // Tables.frameList opens the chosen frame in the frames tab
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, window.tabs().getSelectionModel().getSelectedIndex());
        assertEquals(5, window.workspace().table().getSelectionModel().getSelectedItem().frame());
    }

    @Test
    void unopenableInputSaysWhichFileAndKeepsTheWindowUsable(FxRobot robot) throws Exception {
        Path missing = Samples.root().resolve("samples/bundles/no-such-bundle");
        open(robot, missing);
        assertEquals(List.of(missing + ": no such file or directory"), window.problemsProperty().get());
        assertEquals(Optional.empty(), window.sessionProperty().get());
        robot.interact(() -> javafx.stage.Window.getWindows().stream().filter(w -> w != window.stage())
                .toList().forEach(javafx.stage.Window::hide));
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportWritesTheFilteredFramesAndTheSelectedTrace(FxRobot robot, @TempDir Path dir) throws Exception {
        open(robot, Samples.bundle("no-endpoints-reject"));
        ComboBox<Optional<Disposition>> box = robot.lookup("#dispositionFilter").queryAs(ComboBox.class);
        robot.interact(() -> box.getSelectionModel().select(Optional.of(Disposition.REJECTED)));
        robot.interact(() -> window.selectFrame(11));
        Path out = dir.resolve("frames.json");
        JsonNode json = export(robot, out);
        assertEquals("frames", json.get("view").asText());
        List<Long> frames = new ArrayList<>();
        json.get("frames").forEach(f -> frames.add(f.get("frame").asLong()));
        assertEquals(List.of(3L, 5L, 11L), frames);
        assertEquals(11, json.get("selected").get("frame").asLong());
        assertEquals("REJECTED", json.get("selected").get("disposition").asText());
        assertEquals("KUBE-EXTERNAL-SERVICES", json.get("selected").get("steps")
                .get(json.get("selected").get("steps").size() - 1).get("chain").asText());
    }

    @Test
    void flowsExportHasTheShapeOfTheFlowsCommand(FxRobot robot, @TempDir Path dir) throws Exception {
        open(robot, Samples.bundle("clusterip-tcp"));
        robot.interact(() -> window.tabs().getSelectionModel().select(window.tabs().getTabs().stream()
                .filter(t -> t.getText().equals("Flows")).findFirst().orElseThrow()));
        Path out = dir.resolve("flows.json");
        JsonNode json = export(robot, out);
        assertEquals("flows", json.get("view").asText());
        Session session = window.sessionProperty().get().orElseThrow();
        // compared as text: read back, Jackson's numbers are int nodes where the writer used longs
        assertEquals(ReportJson.flows(session.result().flows()).toString(), json.get("flows").toString());
        JsonNode first = json.get("flows").get(0);
        assertEquals("DNAT", first.get("nat").get(0).get("kind").asText());
        assertTrue(first.get("nat").get(0).get("rule").asText().matches("nat KUBE-SEP-\\w+ #\\d+ \\(iptables-save\\.txt:\\d+\\)"),
                first.get("nat").toString());
        assertEquals(first.get("frames").size(), session.result().flows().get(0).frames().size());
    }

    /** Exports the current view to {@code out} as the menu does and reads the file back. */
    private JsonNode export(FxRobot robot, Path out) throws java.io.IOException {
        robot.interact(() -> {
            try {
                window.exportView(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new ObjectMapper().readTree(out.toFile());
    }

    private static TreeItem<RuleRow> find(TreeItem<RuleRow> item, String prefix) {
        if (item.getValue() != null && item.getValue().text().startsWith(prefix)) {
            return item;
        }
        for (TreeItem<RuleRow> c : item.getChildren()) {
            TreeItem<RuleRow> f = find(c, prefix);
            if (f != null) {
                return f;
            }
        }
        return null;
    }
}
