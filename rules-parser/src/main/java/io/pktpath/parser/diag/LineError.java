package io.pktpath.parser.diag;

/**
 * Raised inside a line parser (ip, conntrack) to skip one bad line; the caller turns it into one {@link Diagnostic}
 * with this code, message and expectation at {@code column}.
 */
public final class LineError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String expected;
    private final int column;

    public LineError(String code, String message, String expected, int column) {
        super(message, null, false, false);
        this.code = code;
        this.expected = expected;
        this.column = column;
    }

    public String code() {
        return code;
    }

    public String expected() {
        return expected;
    }

    public int column() {
        return column;
    }
}
