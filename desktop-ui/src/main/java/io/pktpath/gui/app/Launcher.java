package io.pktpath.gui.app;

import javafx.application.Application;

/**
 * The fat jar's main class; it does not extend {@link Application}, so the JavaFX launcher's module check does not
 * refuse to start JavaFX from the class path.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        Application.launch(PktpathApp.class, args);
    }
}
