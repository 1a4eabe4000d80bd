package io.pktpath.parser.diag;

import java.util.ArrayList;
import java.util.List;

/** A collector of diagnostics for one parse; single-threaded, handed out by the parser and frozen with {@link #toList()}. */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public void add(Diagnostic diagnostic) {
        items.add(diagnostic);
    }

    public void addAll(List<Diagnostic> diagnostics) {
        items.addAll(diagnostics);
    }

    public void error(String code, String message, String expected, SourceSpan span, String lineText) {
        add(Diagnostic.error(code, message, expected, span, lineText));
    }

    public void warning(String code, String message, String expected, SourceSpan span, String lineText) {
        add(Diagnostic.warning(code, message, expected, span, lineText));
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    public int size() {
        return items.size();
    }

    public List<Diagnostic> toList() {
        return List.copyOf(items);
    }
}
