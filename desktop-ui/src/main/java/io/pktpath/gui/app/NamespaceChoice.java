package io.pktpath.gui.app;

import io.pktpath.gui.session.Session;
import io.pktpath.parser.bundle.BundleInventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;

/**
 * The status bar's choice of how an sosreport holding network namespaces is read: as the node or as one of its
 * namespaces (the CLI's {@code --netns}); shown only for such a bundle, and picking another reloads the session.
 */
public final class NamespaceChoice {
    /** The choice's first item: the bundle read as the node. */
    public static final String NODE = "the node";

    private final ChoiceBox<String> choice = new ChoiceBox<>();
    private final HBox box = new HBox(4, new Label("Network namespace:"), choice);
    private boolean updating;

    /** A choice calling {@code onPick} with the namespace picked (empty: the node) when the user changes it. */
    public NamespaceChoice(Consumer<Optional<String>> onPick) {
        choice.setId("netns");
        box.setVisible(false);
        box.setManaged(false);
        choice.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (!updating && now != null && !now.equals(was)) {
                onPick.accept(now.equals(NODE) ? Optional.empty() : Optional.of(now));
            }
        });
    }

    /** Shows the namespaces {@code session}'s bundle holds, the one it was read as selected; hidden when it holds none. */
    public void show(Session session) {
        BundleInventory inventory = session.bundle().inventory();
        List<String> items = new ArrayList<>();
        items.add(NODE);
        items.addAll(inventory.namespaces());
        updating = true;
        try {
            choice.getItems().setAll(items);
            choice.getSelectionModel().select(inventory.netns().isEmpty() ? NODE : inventory.netns());
        } finally {
            updating = false;
        }
        boolean shown = !inventory.namespaces().isEmpty();
        box.setVisible(shown);
        box.setManaged(shown);
    }

    public HBox node() {
        return box;
    }

    public ChoiceBox<String> choice() {
        return choice;
    }
}
