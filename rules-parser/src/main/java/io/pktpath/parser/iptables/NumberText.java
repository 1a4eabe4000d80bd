package io.pktpath.parser.iptables;

/** Small decimal numbers in target options, without exceptions on the hot path. */
final class NumberText {
    private NumberText() {
    }

    /** The value of a decimal number of at most 9 digits, or -1 if the text is not one. */
    static int parseOrMinus(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
