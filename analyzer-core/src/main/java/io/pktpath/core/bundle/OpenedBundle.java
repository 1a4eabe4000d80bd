package io.pktpath.core.bundle;

import io.pktpath.parser.bundle.Bundle;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded bundle and, for an archive, the temporary directory it was extracted to (capture and trace paths point into
 * it); {@link #close()} deletes that directory.
 */
public record OpenedBundle(Bundle bundle, Optional<Path> extractedTo) implements AutoCloseable {
    public OpenedBundle {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(extractedTo, "extractedTo");
    }

    @Override
    public void close() throws IOException {
        if (extractedTo.isPresent()) {
            deleteTree(extractedTo.get());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
