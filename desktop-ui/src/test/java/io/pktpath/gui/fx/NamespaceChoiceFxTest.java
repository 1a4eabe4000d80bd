package io.pktpath.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.gui.Samples;
import io.pktpath.gui.app.MainWindow;
import io.pktpath.gui.app.NamespaceChoice;
import io.pktpath.gui.app.PktpathApp;
import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The main window headless: an sosreport holding network namespaces shows the choice of the node or a namespace, and
 * picking one reloads the session as that namespace; a bundle without namespaces hides it.
 */
@ExtendWith(ApplicationExtension.class)
class NamespaceChoiceFxTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, SessionLoader.standard());
        stage.setScene(PktpathApp.scene(window));
        stage.setWidth(1100);
        stage.setHeight(700);
        stage.show();
    }

    /** Waits until the window shows a session other than {@code before} (a load replaces it when done). */
    private Session awaitSession(Session before) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        window.sessionProperty().addListener((o, was, now) -> {
            if (now.isPresent() && now.get() != before) {
                done.countDown();
            }
        });
        if (window.sessionProperty().get().filter(s -> s != before).isPresent()) {
            done.countDown();
        }
        assertTrue(done.await(90, TimeUnit.SECONDS), "the session was not (re)loaded");
        WaitForAsyncUtils.waitForFxEvents();
        return window.sessionProperty().get().orElseThrow();
    }

    @Test
    void pickingANamespaceReloadsTheSessionAsIt(FxRobot robot) throws Exception {
        Path report = Samples.root().resolve("rules-parser/src/test/resources/io/pktpath/parser/bundle/sos-netns/sos4");
        robot.interact(() -> window.open(SessionSource.of(report)));
        Session node = awaitSession(null);
        NamespaceChoice choice = window.namespaceChoice();
        assertTrue(choice.node().isVisible());
        assertEquals(List.of(NamespaceChoice.NODE, "pkp-nsx-a", "pkp-nsx-b"), choice.choice().getItems());
        assertEquals(NamespaceChoice.NODE, choice.choice().getValue());
        assertEquals("", node.bundle().inventory().netns());

        robot.interact(() -> choice.choice().getSelectionModel().select("pkp-nsx-b"));
        Session b = awaitSession(node);
        assertEquals("pkp-nsx-b", b.bundle().inventory().netns());
        assertTrue(b.bundle().interfaces().stream().flatMap(i -> i.addresses().stream())
                .anyMatch(a -> a.cidr().address().toString().equals("10.77.2.2")), b.bundle().interfaces().toString());
        assertEquals("pkp-nsx-b", choice.choice().getValue());
        assertEquals("pktpath — sos4 (network namespace pkp-nsx-b)", window.stage().getTitle());

        robot.interact(() -> choice.choice().getSelectionModel().select(NamespaceChoice.NODE));
        Session again = awaitSession(b);
        assertEquals("", again.bundle().inventory().netns());

        robot.interact(() -> window.open(SessionSource.of(Samples.bundle("clusterip-tcp"))));
        awaitSession(again);
        assertFalse(choice.node().isVisible(), "a bundle without namespaces hides the choice");
    }
}
