package io.pktpath.gui.app;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.input.KeyCode;

import java.util.function.Function;
import java.util.function.LongPredicate;

/** The table wiring the views share: a sortable column over a row's value, and a frame list that opens a frame. */
public final class Tables {
    private Tables() {
    }

    /** A column titled {@code title}, {@code width} pixels wide, showing (and sorting by) {@code value} of each row. */
    public static <R, T extends Comparable<T>> TableColumn<R, T> column(String title, double width,
                                                                       Function<R, T> value) {
        TableColumn<R, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return c;
    }

    /** A list of frame numbers with the given id; double-click or Enter on one passes it to {@code open}. */
    public static ListView<Long> frameList(String id, LongPredicate open) {
        ListView<Long> frames = new ListView<>();
        frames.setId(id);
        frames.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && frames.getSelectionModel().getSelectedItem() != null) {
                open.test(frames.getSelectionModel().getSelectedItem());
            }
        });
        frames.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && frames.getSelectionModel().getSelectedItem() != null) {
                open.test(frames.getSelectionModel().getSelectedItem());
            }
        });
        return frames;
    }
}
