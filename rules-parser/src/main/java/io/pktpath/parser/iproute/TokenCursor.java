package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;

import java.util.List;

/** Walks the tokens of one line, turning missing or malformed values into {@link LineError}s with the right column. */
final class TokenCursor {
    private final List<Token> tokens;
    private final int endColumn;
    private int next;

    TokenCursor(List<Token> tokens, int endColumn) {
        this.tokens = tokens;
        this.endColumn = endColumn;
    }

    boolean hasNext() {
        return next < tokens.size();
    }

    Token peek() {
        return tokens.get(next);
    }

    Token next() {
        return tokens.get(next++);
    }

    /** The value after keyword {@code key}, or an error at the line end saying the line was cut short. */
    Token value(Token key, String expected) throws LineError {
        if (!hasNext()) {
            throw new LineError("missing-value", "'" + key.text() + "' has no value (line truncated?)", expected, endColumn);
        }
        return next();
    }

    static long number(Token t, String what) throws LineError {
        String s = t.text();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            if (!s.isEmpty() && Digits.only(s) && s.length() <= 19) {
                return Long.parseLong(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LineError("bad-number", "'" + s + "' is not a number for " + what, "a decimal or 0x hex number", t.column());
    }

    static int smallNumber(Token t, String what) throws LineError {
        long v = number(t, what);
        if (v > Integer.MAX_VALUE) {
            throw new LineError("bad-number", "'" + t.text() + "' is too large for " + what, "a number below 2^31", t.column());
        }
        return (int) v;
    }

    static IpAddress address(Token t) throws LineError {
        try {
            return IpAddress.parse(t.text());
        } catch (InvalidValueException e) {
            throw new LineError("bad-address", e.getMessage(), e.expected(), t.column());
        }
    }

    static Cidr prefix(Token t) throws LineError {
        try {
            return Cidr.parse(t.text());
        } catch (InvalidValueException e) {
            throw new LineError("bad-prefix", e.getMessage(), e.expected(), t.column());
        }
    }
}
