package io.pktpath.gui.tools;

import io.pktpath.gui.app.MainWindow;
import io.pktpath.gui.app.PktpathApp;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Takes the GUI screenshot for docs/gui.md from a real run (under Xvfb): opens a bundle, selects a frame, optionally
 * a tab, and saves the window as PNG. Arguments: BUNDLE FRAME OUT.png [TAB-INDEX] [packet].
 */
public final class ScreenshotTool extends Application {
    @Override
    public void start(Stage stage) {
        var args = getParameters().getRaw();
        MainWindow window = new MainWindow(stage, SessionLoader.standard());
        Scene scene = PktpathApp.scene(window);
        stage.setScene(scene);
        stage.setWidth(1600);
        stage.setHeight(1000);
        stage.show();
        Task<?> task = window.open(SessionSource.of(Path.of(args.get(0))));
        task.stateProperty().addListener((o, a, s) -> {
            if (s == javafx.concurrent.Worker.State.SUCCEEDED || s == javafx.concurrent.Worker.State.FAILED) {
                Platform.runLater(() -> {
                    for (javafx.stage.Window w : javafx.stage.Window.getWindows()) {
                        if (w != stage) {
                            ((Stage) w).close();
                        }
                    }
                    window.selectFrame(Long.parseLong(args.get(1)));
                    if (args.size() > 3) {
                        window.tabs().getSelectionModel().select(Integer.parseInt(args.get(3)));
                    }
                    if (args.size() > 4) {
                        window.workspace().showPacketTab();
                    }
                    pause(() -> save(scene, Path.of(args.get(2))));
                });
            }
        });
    }

    private static void pause(Runnable then) {
        javafx.animation.PauseTransition p = new javafx.animation.PauseTransition(javafx.util.Duration.seconds(2));
        p.setOnFinished(e -> then.run());
        p.play();
    }

    private static void save(Scene scene, Path out) {
        WritableImage image = scene.snapshot(null);
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader r = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                b.setRGB(x, y, r.getArgb(x, y));
            }
        }
        try {
            ImageIO.write(b, "png", out.toFile());
        } catch (IOException e) {
            System.err.println(out + ": " + e.getMessage());
        }
        Platform.exit();
    }

    /** Starts it from a class that is not an Application (JavaFX on the class path). */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) {
            Application.launch(ScreenshotTool.class, args);
        }
    }
}
