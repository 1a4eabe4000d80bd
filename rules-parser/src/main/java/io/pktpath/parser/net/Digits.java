package io.pktpath.parser.net;

/** Whether a text is made of decimal digits only, checked without streams (the parsers ask for every number they read). */
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
}
