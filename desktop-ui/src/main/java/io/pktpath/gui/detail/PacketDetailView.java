package io.pktpath.gui.detail;

import io.pktpath.core.packet.PacketDetail;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.scene.paint.Color;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The packet detail pane: the protocol layers and their fields as a tree, and the frame's bytes in hex with the
 * selected layer's or field's bytes highlighted.
 */
public final class PacketDetailView extends SplitPane {
    private static final Font MONO = Font.font("Monospaced", 12);
    private final TreeView<Entry> tree = new TreeView<>();
    private final TextFlow hex = new TextFlow();
    private final List<Text> byteTexts = new ArrayList<>();
    private int[] highlighted = {0, 0};

    /** A tree entry: a layer (field empty) or a field of it, with its byte range. */
    public record Entry(String label, int offset, int length) {
        @Override
        public String toString() {
            return label;
        }
    }

    public PacketDetailView() {
        setId("packetDetail");
        tree.setId("layerTree");
        hex.setId("hexView");
        ScrollPane hexScroll = new ScrollPane(hex);
        hexScroll.setFitToWidth(true);
        getItems().addAll(tree, hexScroll);
        setOrientation(javafx.geometry.Orientation.VERTICAL);
        setDividerPositions(0.6);
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, item) ->
                highlight(item == null ? new int[] {0, 0} : new int[] {item.getValue().offset(), item.getValue().length()}));
    }

    /** Shows a frame (empty: nothing selected, or its bytes could not be read). */
    public void show(Optional<PacketDetailModel> model) {
        TreeItem<Entry> root = new TreeItem<>(new Entry(model.map(m -> "frame " + m.frame() + " (" + m.bytes().length
                + " bytes)").orElse("no frame"), 0, 0));
        root.setExpanded(true);
        model.ifPresent(m -> {
            for (PacketDetail.Layer l : m.detail().layers()) {
                TreeItem<Entry> layer = new TreeItem<>(new Entry(l.name() + "  [" + l.offset() + ".."
                        + (l.offset() + l.length()) + ")", l.offset(), l.length()));
                for (PacketDetail.Field f : l.fields()) {
                    layer.getChildren().add(new TreeItem<>(new Entry(f.name() + ": " + f.value(), f.offset(),
                            f.length())));
                }
                layer.setExpanded(true);
                root.getChildren().add(layer);
            }
        });
        tree.setRoot(root);
        renderHex(model.map(PacketDetailModel::bytes).orElse(new byte[0]));
    }

    /** The byte range now highlighted, {@code [offset, length]}. */
    public int[] highlighted() {
        return highlighted.clone();
    }

    /** The layer and field tree (for tests and keyboard use). */
    public TreeView<Entry> tree() {
        return tree;
    }

    private void renderHex(byte[] bytes) {
        hex.getChildren().clear();
        byteTexts.clear();
        for (HexDump.Line line : HexDump.lines(bytes)) {
            hex.getChildren().add(mono(String.format("%04x  ", line.offset())));
            for (int i = 0; i < line.hex().size(); i++) {
                Text t = mono(line.hex().get(i));
                byteTexts.add(t);
                hex.getChildren().addAll(t, mono(i == 7 ? "  " : " "));
            }
            hex.getChildren().add(mono("   ".repeat(HexDump.WIDTH - line.hex().size()) + "  " + line.ascii() + "\n"));
        }
        highlight(highlighted);
    }

    private void highlight(int[] range) {
        highlighted = range.clone();
        for (int i = 0; i < byteTexts.size(); i++) {
            boolean on = HexDump.covers(range[0], range[1], i);
            byteTexts.get(i).setFill(on ? Color.web("#c62828") : Color.BLACK);
            byteTexts.get(i).setUnderline(on);
            byteTexts.get(i).setStyle(on ? "-fx-font-weight: bold" : "");
        }
    }

    private static Text mono(String s) {
        Text t = new Text(s);
        t.setFont(MONO);
        return t;
    }
}
