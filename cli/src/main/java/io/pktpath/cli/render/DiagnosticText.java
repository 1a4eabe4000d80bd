package io.pktpath.cli.render;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Severity;

/** A diagnostic compiler-style (headline, offending line, caret), its severity word colored on a terminal. */
public final class DiagnosticText {
    private DiagnosticText() {
    }

    public static String render(Diagnostic d, Style style) {
        String text = d.format();
        if (!style.color()) {
            return text;
        }
        String word = d.severity().word() + "[";
        String colored = d.severity() == Severity.ERROR ? style.red(d.severity().word())
                : d.severity() == Severity.WARNING ? style.yellow(d.severity().word()) : style.cyan(d.severity().word());
        int at = text.indexOf(": " + word);
        return at < 0 ? text : text.substring(0, at + 2) + colored + text.substring(at + 2 + word.length() - 1);
    }
}
