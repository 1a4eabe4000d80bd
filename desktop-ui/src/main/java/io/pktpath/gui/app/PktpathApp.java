package io.pktpath.gui.app;

import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.List;

/** The JavaFX application: one main window, opening the bundle named on the command line if any. */
public final class PktpathApp extends Application {
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        window = new MainWindow(stage, SessionLoader.standard());
        stage.setScene(scene(window));
        stage.setTitle("pktpath");
        stage.setWidth(1600);
        stage.setHeight(1000);
        stage.show();
        List<String> args = getParameters().getRaw();
        if (!args.isEmpty()) {
            window.open(new SessionSource(args.stream().map(Path::of).toList()));
        }
    }

    /** The scene of a main window, with the application's stylesheet. */
    public static Scene scene(MainWindow window) {
        Scene scene = new Scene(window);
        scene.getStylesheets().add(PktpathApp.class.getResource("/io/pktpath/gui/pktpath.css").toExternalForm());
        return scene;
    }

    @Override
    public void stop() {
        if (window != null) {
            window.shutdown();
        }
    }
}
