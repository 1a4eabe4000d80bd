package io.pktpath.gui;

import io.pktpath.gui.session.Session;
import io.pktpath.gui.session.SessionLoader;
import io.pktpath.gui.session.SessionSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The recorded sample bundles of {@code samples/bundles}, found from the repository root, loaded once per JVM. */
public final class Samples {
    private static final Map<String, Session> LOADED = new ConcurrentHashMap<>();

    private Samples() {
    }

    /** The repository root: the nearest directory upwards whose pom.xml declares {@code <modules>}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return d;
                }
            } catch (IOException e) {
                throw new IllegalStateException(pom + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("no pom.xml with <modules> above " + dir);
    }

    public static Path bundle(String name) {
        return root().resolve("samples/bundles").resolve(name);
    }

    /** The sample replayed with the GUI's standard loader (shared; do not close). */
    public static Session session(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            try {
                return SessionLoader.standard().load(SessionSource.of(bundle(n)), f -> { }, () -> false);
            } catch (Exception e) {
                throw new IllegalStateException(n + ": " + e.getMessage(), e);
            }
        });
    }
}
