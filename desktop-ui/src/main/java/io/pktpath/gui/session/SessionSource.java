package io.pktpath.gui.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the user asked to open: one bundle directory or archive, or several single files (a capture plus rule and
 * state files), recognized by content; read as the node, or as one network namespace of an sosreport ({@code netns}).
 */
public record SessionSource(List<Path> paths, Optional<String> netns) {
    public SessionSource {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("nothing to open: no file or directory given");
        }
        Objects.requireNonNull(netns, "netns");
    }

    /** The paths read as the node. */
    public SessionSource(List<Path> paths) {
        this(paths, Optional.empty());
    }

    public static SessionSource of(Path path) {
        return new SessionSource(List.of(path));
    }

    /** The same paths read as network namespace {@code other} (empty: as the node). */
    public SessionSource withNetns(Optional<String> other) {
        return new SessionSource(paths, other);
    }

    /** The window title's name for it: the directory or file name, or the file names joined, and the namespace read. */
    public String title() {
        return paths.stream().map(p -> p.getFileName() == null ? p.toString() : p.getFileName().toString())
                .collect(Collectors.joining(", ")) + netns.map(n -> " (network namespace " + n + ")").orElse("");
    }
}
