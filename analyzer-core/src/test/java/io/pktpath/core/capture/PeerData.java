package io.pktpath.core.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Test helper: finds the shared peer test data: walks up from the working directory to the reactor root, then {@code ../shared/peer}. */
public final class PeerData {
    private PeerData() {
    }

    public static Optional<Path> captures() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && containsModules(pom)) {
                Path peer = dir.resolveSibling("shared").resolve("peer").resolve("captures");
                return Files.isDirectory(peer) ? Optional.of(peer) : Optional.empty();
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    private static boolean containsModules(Path pom) {
        try {
            return Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            return false;
        }
    }
}
