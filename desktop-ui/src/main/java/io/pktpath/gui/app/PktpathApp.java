package io.pktpath.gui.app;

import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.List;

/**
 * The JavaFX application: one main window, opening the bundle named on the command line if any ({@code --nft-first}
 * among the arguments: iptables-nft's chains before the iptables-legacy tables, as the CLI's option; {@code --netns NAME}:
 * an sosreport read as that network namespace).
 */
public final class PktpathApp extends Application {
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        List<String> args = new java.util.ArrayList<>(getParameters().getRaw());
        boolean nftFirst = args.remove("--nft-first");
        Optional<String> netns = Optional.empty();
        int at = args.indexOf("--netns");
        if (at >= 0 && at + 1 < args.size()) {
            netns = Optional.of(args.get(at + 1));
            args.subList(at, at + 2).clear();
        }
        window = new MainWindow(stage, nftFirst ? SessionLoader.standard().nftFirst() : SessionLoader.standard());
        stage.setScene(scene(window));
        stage.setTitle("pktpath");
        stage.setWidth(1600);
        stage.setHeight(1000);
        stage.show();
        if (!args.isEmpty()) {
            window.open(new SessionSource(args.stream().map(Path::of).toList(), netns));
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
