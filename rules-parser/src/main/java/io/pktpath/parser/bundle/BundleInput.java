package io.pktpath.parser.bundle;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** One file given to the loader: its path, the name shown in diagnostics, and an optional kind that overrides recognition. */
public record BundleInput(Path path, String displayName, Optional<InputKind> kindOverride) {
    public BundleInput {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(kindOverride, "kindOverride");
    }

    /** A file recognized by content, shown by its file name. */
    public static BundleInput of(Path path) {
        return new BundleInput(path, String.valueOf(path.getFileName()), Optional.empty());
    }

    /** A file whose kind the user stated. */
    public static BundleInput of(Path path, InputKind kind) {
        return new BundleInput(path, String.valueOf(path.getFileName()), Optional.of(kind));
    }
}
