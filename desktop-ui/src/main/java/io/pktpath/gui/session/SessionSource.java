package io.pktpath.gui.session;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the user asked to open: one bundle directory or archive, or several single files (a capture plus rule and
 * state files), recognized by content.
 */
public record SessionSource(List<Path> paths) {
    public SessionSource {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("nothing to open: no file or directory given");
        }
    }

    public static SessionSource of(Path path) {
        return new SessionSource(List.of(path));
    }

    /** The window title's name for it: the directory or file name, or the file names joined. */
    public String title() {
        return paths.stream().map(p -> p.getFileName() == null ? p.toString() : p.getFileName().toString())
                .collect(Collectors.joining(", "));
    }
}
