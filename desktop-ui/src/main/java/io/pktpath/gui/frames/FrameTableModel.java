package io.pktpath.gui.frames;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;

import java.util.List;
import java.util.OptionalInt;

/**
 * The frame table's rows: every frame of the replay, the filtered view the table shows (sorted by the table's
 * columns) and the filter that is applied; no scene graph, so plain JUnit drives it.
 */
public final class FrameTableModel {
    private final ObservableList<FrameRow> all = FXCollections.observableArrayList();
    private final FilteredList<FrameRow> filtered = new FilteredList<>(all, r -> true);
    private final SortedList<FrameRow> sorted = new SortedList<>(filtered);
    private final ObjectProperty<FrameFilter> filter = new SimpleObjectProperty<>(FrameFilter.ALL);

    public FrameTableModel() {
        filter.addListener((obs, old, f) -> filtered.setPredicate(f));
    }

    /** Replaces all rows (a new session). */
    public void setRows(List<FrameRow> rows) {
        all.setAll(rows);
    }

    /** Every row, in frame order. */
    public ObservableList<FrameRow> all() {
        return all;
    }

    /** The rows the filter lets through, in the table's sort order (bind its comparator to the table's). */
    public SortedList<FrameRow> visible() {
        return sorted;
    }

    public ObjectProperty<FrameFilter> filterProperty() {
        return filter;
    }

    /** Where frame {@code frame} is among the visible rows, or empty when it is filtered out or absent. */
    public OptionalInt indexOf(long frame) {
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).frame() == frame) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }
}
