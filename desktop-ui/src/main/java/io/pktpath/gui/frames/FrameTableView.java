package io.pktpath.gui.frames;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

import java.util.function.Function;

/**
 * The virtualized frame table: number, time, interface, direction, source, destination, protocol, info and
 * disposition, each row colored by its disposition, every column sortable.
 */
public final class FrameTableView extends TableView<FrameRow> {
    public FrameTableView(FrameTableModel model) {
        setId("frameTable");
        getColumns().add(column("No.", 70, FrameRow::frame));
        getColumns().add(column("Time", 120, FrameRow::timeText));
        getColumns().add(column("Interface", 120, FrameRow::iface));
        getColumns().add(column("Dir", 45, FrameRow::dir));
        getColumns().add(column("Source", 190, FrameRow::sourceText));
        getColumns().add(column("Destination", 190, FrameRow::destinationText));
        getColumns().add(column("Protocol", 75, FrameRow::protocol));
        getColumns().add(column("Info", 420, FrameRow::info));
        TableColumn<FrameRow, String> disposition = column("Disposition", 200, FrameRow::dispositionText);
        disposition.setId("dispositionColumn");
        getColumns().add(disposition);
        model.visible().comparatorProperty().bind(comparatorProperty());
        setItems(model.visible());
        setRowFactory(t -> new ColoredRow());
        setPlaceholder(new javafx.scene.control.Label("no frames: open a bundle with File > Open"));
    }

    private static <T extends Comparable<T>> TableColumn<FrameRow, T> column(String title, double width,
                                                                            Function<FrameRow, T> value) {
        TableColumn<FrameRow, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return c;
    }

    private static final class ColoredRow extends TableRow<FrameRow> {
        @Override
        protected void updateItem(FrameRow row, boolean empty) {
            super.updateItem(row, empty);
            getStyleClass().removeAll("frame-failed", "frame-not-replayed", "frame-nat", "frame-passed");
            if (!empty && row != null) {
                getStyleClass().add(row.styleClass());
            }
        }
    }
}
