package io.pktpath.parser.conntrack;

/** A problem in one conntrack line; the parser turns it into a diagnostic and skips the line. */
final class ConntrackLineError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String expected;
    private final int column;

    ConntrackLineError(String code, String message, String expected, int column) {
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
