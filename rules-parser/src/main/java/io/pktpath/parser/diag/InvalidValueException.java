package io.pktpath.parser.diag;

/**
 * Thrown by value parsers (addresses, prefixes, port ranges) for text that is not a valid value; parsers turn it into a
 * {@link Diagnostic} with the position, so it never reaches a user.
 */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String expected;

    public InvalidValueException(String message, String expected) {
        super(message, null, false, false);
        this.expected = expected;
    }

    /** What a valid value looks like, for the diagnostic's "(expected: ...)" part. */
    public String expected() {
        return expected;
    }
}
