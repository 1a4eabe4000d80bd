package io.pktpath.parser.json;

/** Thrown by {@link JsonReader} for text that is not JSON; carries the position and what was expected there. */
public final class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String expected;

    public JsonSyntaxException(String message, String expected, int line, int column) {
        super(message, null, false, false);
        this.line = line;
        this.column = column;
        this.expected = expected;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String expected() {
        return expected;
    }
}
