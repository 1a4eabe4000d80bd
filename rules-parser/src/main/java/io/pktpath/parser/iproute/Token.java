package io.pktpath.parser.iproute;

/** One whitespace-separated word of an input line with its 1-based column. */
record Token(String text, int column) {
    /** Splits a line on spaces and tabs, keeping each word's column. */
    static java.util.List<Token> split(String line) {
        java.util.List<Token> out = new java.util.ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(new Token(line.substring(start, i), start + 1));
            }
        }
        return out;
    }
}
