package io.pktpath.gui.frames;

import io.pktpath.gui.app.Tables;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;


/**
 * The virtualized frame table: number, time, interface, direction, source, destination, protocol, info and
 * disposition, each row colored by its disposition, every column sortable.
 */
public final class FrameTableView extends TableView<FrameRow> {
    public FrameTableView(FrameTableModel model) {
        setId("frameTable");
        getColumns().add(Tables.column("No.", 70, FrameRow::frame));
        getColumns().add(Tables.column("Time", 120, FrameRow::timeText));
        getColumns().add(Tables.column("Interface", 120, FrameRow::iface));
        getColumns().add(Tables.column("Dir", 45, FrameRow::dir));
        getColumns().add(Tables.column("Source", 190, FrameRow::sourceText));
        getColumns().add(Tables.column("Destination", 190, FrameRow::destinationText));
        getColumns().add(Tables.column("Protocol", 75, FrameRow::protocol));
        getColumns().add(Tables.column("Info", 420, FrameRow::info));
        TableColumn<FrameRow, String> disposition = Tables.column("Disposition", 200, FrameRow::dispositionText);
        disposition.setId("dispositionColumn");
        getColumns().add(disposition);
        model.visible().comparatorProperty().bind(comparatorProperty());
        setItems(model.visible());
        setRowFactory(t -> new ColoredRow());
        setPlaceholder(new javafx.scene.control.Label("no frames: open a bundle with File > Open"));
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
