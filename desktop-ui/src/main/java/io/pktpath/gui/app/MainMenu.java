package io.pktpath.gui.app;

import io.pktpath.gui.session.SessionSource;
import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextInputDialog;
import javafx.scene.input.KeyCombination;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

import java.io.File;
import java.io.IOException;
import java.util.List;

/** The menu bar: File (open a bundle directory, an archive, or a capture plus rule files; export; quit), Edit, Go. */
final class MainMenu {
    private final MainWindow window;

    MainMenu(MainWindow window) {
        this.window = window;
    }

    MenuBar bar() {
        Menu file = new Menu("File");
        file.getItems().addAll(
                item("Open bundle directory…", "Shortcut+O", this::openDirectory),
                item("Open archive or single file…", "Shortcut+Shift+O", this::openArchive),
                item("Open capture and rule files…", null, this::openFiles),
                new SeparatorMenuItem(),
                item("Export current view as JSON…", "Shortcut+E", this::export),
                new SeparatorMenuItem(),
                item("Quit", "Shortcut+Q", () -> window.stage().close()));
        Menu edit = new Menu("Edit");
        edit.getItems().add(item("Copy frame explanation", "Shortcut+Shift+C", window::copyExplanation));
        Menu go = new Menu("Go");
        go.getItems().addAll(
                item("Next failed frame", "F8", () -> window.workspace().nextFailure(true)),
                item("Previous failed frame", "Shift+F8", () -> window.workspace().nextFailure(false)),
                item("Go to frame…", "Shortcut+G", this::goTo));
        return new MenuBar(file, edit, go);
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (accelerator != null) {
            item.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private void openDirectory() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a bundle directory");
        File dir = chooser.showDialog(window.stage());
        if (dir != null) {
            window.open(SessionSource.of(dir.toPath()));
        }
    }

    private void openArchive() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a bundle archive (.tar, .tar.gz, .tgz, .tar.xz, .zip) or a single file");
        File f = chooser.showOpenDialog(window.stage());
        if (f != null) {
            window.open(SessionSource.of(f.toPath()));
        }
    }

    private void openFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a capture plus rule and state files (iptables-save, ip route, ...)");
        List<File> files = chooser.showOpenMultipleDialog(window.stage());
        if (files != null && !files.isEmpty()) {
            window.open(new SessionSource(files.stream().map(File::toPath).toList()));
        }
    }

    private void export() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the current view as JSON");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSON", "*.json"));
        File f = chooser.showSaveDialog(window.stage());
        if (f == null) {
            return;
        }
        try {
            window.exportView(f.toPath());
        } catch (IOException e) {
            new Alert(Alert.AlertType.ERROR, f + ": cannot write: " + e.getMessage()).show();
        }
    }

    private void goTo() {
        TextInputDialog dialog = new TextInputDialog();
        dialog.setHeaderText("Frame number");
        dialog.showAndWait().map(String::strip).ifPresent(s -> {
            boolean ok = s.matches("\\d{1,18}") && window.selectFrame(Long.parseLong(s));
            if (!ok) {
                new Alert(Alert.AlertType.INFORMATION, "no frame " + s + " in this capture").show();
            }
        });
    }
}
