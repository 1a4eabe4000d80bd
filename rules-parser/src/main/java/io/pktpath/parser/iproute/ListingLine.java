package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.SourceSpan;

import java.util.ArrayList;
import java.util.List;

/**
 * One non-blank line of an {@code ip} text listing (lines end at {@code \n} or {@code \r\n}) with its words and its
 * span; a {@link LineError} raised while reading it becomes one diagnostic at the error's column.
 */
record ListingLine(String line, List<Token> tokens, SourceSpan span) {
    /** The lines of {@code text} that hold at least one word, in order. */
    static List<ListingLine> of(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        List<ListingLine> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            List<Token> tokens = Token.split(lines[i]);
            if (!tokens.isEmpty()) {
                out.add(new ListingLine(lines[i], tokens, SourceSpan.line(fileName, i + 1)));
            }
        }
        return out;
    }

    /** A cursor over the words; a missing value is reported just past the line's end. */
    TokenCursor cursor() {
        return new TokenCursor(tokens, line.length() + 1);
    }

    /** True when the line starts with white space (an entry under a header, a {@code nexthop}). */
    boolean indented() {
        return Character.isWhitespace(line.charAt(0));
    }

    void report(LineError e, Diagnostics diags) {
        diags.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line);
    }
}
