package io.pktpath.cli.input;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.parser.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle opened from the command line: the name to show, the opened bundle (deleted on close when it was extracted
 * from an archive), the capture named with {@code --capture}, and the analysis options {@code --iface}/{@code --dir} give.
 */
public record LoadedInput(String name, OpenedBundle opened, Optional<Path> capture, AnalysisOptions options)
        implements AutoCloseable {
    public LoadedInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opened, "opened");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(options, "options");
    }

    public Bundle bundle() {
        return opened.bundle();
    }

    @Override
    public void close() {
        try {
            opened.close();
        } catch (IOException e) {
            // a temporary directory left behind is not the user's problem; nothing to report
        }
    }
}
