package io.pktpath.parser.iptables;

import java.util.Objects;

/** One whitespace-separated token of a dump line: its unquoted text, its 1-based column, and its raw source text. */
public record Token(String text, int column, boolean quoted, String raw) {
    public Token {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(raw, "raw");
    }

    public boolean is(String s) {
        return !quoted && text.equals(s);
    }
}
