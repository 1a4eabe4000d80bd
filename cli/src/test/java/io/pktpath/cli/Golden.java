package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code cli/src/test/resources/golden/}: compared byte for byte; regenerated (written into the
 * source tree, to be reviewed as a diff) when the build runs with {@code UPDATE_GOLDEN=1}.
 */
final class Golden {
    private Golden() {
    }

    static void check(String name, String actual) {
        Path file = Cli.root().resolve("cli/src/test/resources/golden").resolve(name);
        try {
            if ("1".equals(System.getenv("UPDATE_GOLDEN")) || "1".equals(System.getProperty("UPDATE_GOLDEN"))) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                throw new AssertionError("golden file " + file + " is missing; run UPDATE_GOLDEN=1 mvn -pl cli -am test"
                        + " -Dtest='io.pktpath.cli.**' -Dsurefire.failIfNoSpecifiedTests=false");
            }
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "output differs from golden " + name
                    + " (regenerate with UPDATE_GOLDEN=1 and review the diff)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
