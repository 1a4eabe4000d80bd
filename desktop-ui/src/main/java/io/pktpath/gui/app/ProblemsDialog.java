package io.pktpath.gui.app;

import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;

import java.util.List;

/** The dialog that says what was wrong with which file, after everything that could be loaded is shown. */
public final class ProblemsDialog {
    private ProblemsDialog() {
    }

    /** The header line for {@code count} problems in {@code title}. */
    public static String header(String title, int count) {
        return title + ": " + count + (count == 1 ? " problem" : " problems")
                + " while loading; everything that could be read is shown";
    }

    /** An alert listing {@code problems} (one formatted diagnostic each). */
    public static Alert of(String title, List<String> problems) {
        Alert alert = new Alert(Alert.AlertType.WARNING);
        alert.setTitle("Problems in the input");
        alert.setHeaderText(header(title, problems.size()));
        TextArea text = new TextArea(String.join("\n", problems));
        text.setId("problemsText");
        text.setEditable(false);
        text.setStyle("-fx-font-family: monospace");
        text.setPrefSize(900, 300);
        alert.getDialogPane().setContent(text);
        alert.setResizable(true);
        return alert;
    }

    /** An error alert for input that could not be opened at all. */
    public static Alert failed(String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.setTitle("Cannot open");
        alert.setHeaderText("Nothing was opened");
        alert.setContentText(message);
        return alert;
    }
}
