package io.pktpath.parser.diag;

import java.util.List;
import java.util.Objects;

/** The result of parsing one input: the value built from everything that could be read, and every diagnostic. */
public record Parsed<T>(T value, List<Diagnostic> diagnostics) {
    public Parsed {
        Objects.requireNonNull(value, "value");
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }
}
