package io.pktpath.parser.iptables;

/** A problem that makes one line unusable: the code, the 1-based column, the message and what was expected. */
final class LineError extends Exception {
    private static final long serialVersionUID = 1L;
    private final IptCode code;
    private final int column;
    private final String expected;

    LineError(IptCode code, int column, String message, String expected) {
        super(message, null, false, false);
        this.code = code;
        this.column = column;
        this.expected = expected;
    }

    IptCode code() {
        return code;
    }

    int column() {
        return column;
    }

    String expected() {
        return expected;
    }
}
