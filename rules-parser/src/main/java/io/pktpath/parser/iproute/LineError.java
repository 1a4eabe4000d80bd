package io.pktpath.parser.iproute;

/** Raised inside a line parser to skip the line; the caller turns it into one diagnostic at {@code column}. */
final class LineError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String expected;
    private final int column;

    LineError(String code, String message, String expected, int column) {
        super(message, null, false, false);
        this.code = code;
        this.expected = expected;
        this.column = column;
    }

    String code() {
        return code;
    }

    String expected() {
        return expected;
    }

    int column() {
        return column;
    }
}
