package io.pktpath.parser.iptables.listing;

/** A listed rule's text that cannot be turned back into iptables-save's words: what was found, where, what was expected. */
final class ListingFormException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final String expected;

    ListingFormException(String message, int offset, String expected) {
        super(message, null, false, false);
        this.offset = offset;
        this.expected = expected;
    }

    /** Where in the rule's tail (0-based) the unreadable text starts. */
    int offset() {
        return offset;
    }

    String expected() {
        return expected;
    }
}
