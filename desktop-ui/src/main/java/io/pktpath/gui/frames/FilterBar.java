package io.pktpath.gui.frames;

import io.pktpath.core.trace.Disposition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import java.util.Optional;

/** The filter bar above the frame table: address, port, protocol, disposition and free text, applied as typed. */
public final class FilterBar extends HBox {
    private final TextField address = field("addressFilter", "address or prefix", 150);
    private final TextField port = field("portFilter", "port", 70);
    private final ComboBox<String> protocol = new ComboBox<>();
    private final ComboBox<Optional<Disposition>> disposition = new ComboBox<>();
    private final TextField text = field("textFilter", "search any column", 220);
    private final Label error = new Label();
    private final FrameTableModel model;

    public FilterBar(FrameTableModel model) {
        super(6);
        this.model = model;
        setId("filterBar");
        setPadding(new Insets(4, 6, 4, 6));
        setAlignment(Pos.CENTER_LEFT);
        protocol.setId("protocolFilter");
        protocol.getItems().addAll("any", "tcp", "udp", "icmp", "ipv6-icmp", "sctp");
        protocol.getSelectionModel().select(0);
        disposition.setId("dispositionFilter");
        disposition.getItems().add(Optional.empty());
        for (Disposition d : Disposition.values()) {
            disposition.getItems().add(Optional.of(d));
        }
        disposition.setButtonCell(new DispositionCell());
        disposition.setCellFactory(l -> new DispositionCell());
        disposition.getSelectionModel().select(0);
        error.setId("filterError");
        error.getStyleClass().add("filter-error");
        Button clear = new Button("Clear");
        clear.setOnAction(e -> clear());
        HBox.setHgrow(text, Priority.ALWAYS);
        getChildren().addAll(new Label("Address"), address, new Label("Port"), port, new Label("Protocol"), protocol,
                new Label("Disposition"), disposition, new Label("Text"), text, clear, error);
        address.textProperty().addListener((o, a, b) -> apply());
        port.textProperty().addListener((o, a, b) -> apply());
        text.textProperty().addListener((o, a, b) -> apply());
        protocol.valueProperty().addListener((o, a, b) -> apply());
        disposition.valueProperty().addListener((o, a, b) -> apply());
    }

    /** Resets every field. */
    public void clear() {
        address.clear();
        port.clear();
        text.clear();
        protocol.getSelectionModel().select(0);
        disposition.getSelectionModel().select(0);
    }

    /** Chooses a disposition (empty: any). */
    public void selectDisposition(Optional<Disposition> d) {
        disposition.getSelectionModel().select(d);
    }

    private void apply() {
        error.setText(FrameFilter.portError(port.getText()).orElse(""));
        String p = protocol.getValue() == null || protocol.getValue().equals("any") ? "" : protocol.getValue();
        Optional<Disposition> d = disposition.getValue() == null ? Optional.empty() : disposition.getValue();
        model.filterProperty().set(FrameFilter.of(address.getText(), port.getText(), p, d, text.getText()));
    }

    private static TextField field(String id, String prompt, double width) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefWidth(width);
        return f;
    }

    private static final class DispositionCell extends ListCell<Optional<Disposition>> {
        @Override
        protected void updateItem(Optional<Disposition> item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? "" : item.map(Disposition::words).orElse("any"));
        }
    }
}
