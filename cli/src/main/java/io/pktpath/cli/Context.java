package io.pktpath.cli;

import java.io.PrintStream;
import java.util.Objects;

/** The streams and terminal a command runs with. */
public record Context(PrintStream out, PrintStream err, Terminal terminal) {
    public Context {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(terminal, "terminal");
    }
}
