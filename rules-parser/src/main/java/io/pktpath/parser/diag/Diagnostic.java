package io.pktpath.parser.diag;

import java.util.Objects;

/**
 * One problem found in an input, printed compiler-style:
 * {@code file:line:col: error[CODE]: message (expected: ...)} followed by the offending line and a caret.
 */
public record Diagnostic(Severity severity, String code, String message, String expected, SourceSpan span, String lineText) {
    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(span, "span");
        expected = expected == null ? "" : expected;
        lineText = lineText == null ? "" : lineText;
    }

    public static Diagnostic error(String code, String message, String expected, SourceSpan span, String lineText) {
        return new Diagnostic(Severity.ERROR, code, message, expected, span, lineText);
    }

    public static Diagnostic warning(String code, String message, String expected, SourceSpan span, String lineText) {
        return new Diagnostic(Severity.WARNING, code, message, expected, span, lineText);
    }

    public static Diagnostic note(String code, String message, SourceSpan span) {
        return new Diagnostic(Severity.NOTE, code, message, "", span, "");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The first line only: {@code file:line:col: error[CODE]: message (expected: ...)}. */
    public String headline() {
        StringBuilder sb = new StringBuilder();
        sb.append(span).append(": ").append(severity.word()).append('[').append(code).append("]: ").append(message);
        if (!expected.isEmpty()) {
            sb.append(" (expected: ").append(expected).append(')');
        }
        return sb.toString();
    }

    /** The headline, then (when the line is known) the offending line and a caret under the column. */
    public String format() {
        if (lineText.isEmpty()) {
            return headline();
        }
        StringBuilder sb = new StringBuilder(headline()).append('\n');
        String shown = lineText.replace('\t', ' ');
        sb.append("    ").append(shown).append('\n');
        int caretAt = span.column() > 0 ? Math.min(span.column() - 1, shown.length()) : 0;
        sb.append("    ").append(" ".repeat(caretAt)).append('^');
        return sb.toString();
    }

    @Override
    public String toString() {
        return headline();
    }
}
