package io.pktpath.parser.net;

/** Decimal digits in a text, checked and read without streams or substrings (the parsers ask for every number they read). */
public final class Digits {
    private Digits() {
    }

    /** True if every character is a digit ({@link Character#isDigit(char)}); true for the empty text. */
    public static boolean only(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of {@code s[start, end)} if it is 1 to {@code maxDigits} ASCII digits ('0'-'9' only, unlike
     * {@link #only}), else -1.
     */
    public static int asciiValue(String s, int start, int end, int maxDigits) {
        if (end <= start || end - start > maxDigits) {
            return -1;
        }
        int v = 0;
        for (int k = start; k < end; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
