package io.pktpath.parser.iptables.match;

/** How iptables-save quotes a value (semantics §10.2): bare if only {@code [A-Za-z0-9_-]}, else double-quoted with escapes. */
public final class Quoting {
    private Quoting() {
    }

    /** True if the saver prints the value without quotes. */
    public static boolean isBare(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The value as the saver prints it: bare, or in double quotes with {@code \"}, {@code \\} and {@code \'} escapes. */
    public static String quote(String value) {
        if (isBare(value)) {
            return value;
        }
        return quoteAlways(value);
    }

    /** True if {@link #quote(String)} of {@code value} is {@code text} (checked without building the quoted text). */
    public static boolean quotesAs(String value, String text) {
        return quotesAs(value, text, 0, text.length());
    }

    /** {@link #quotesAs(String, String)} for {@code text.substring(from, to)}, checked in place. */
    public static boolean quotesAs(String value, String text, int from, int to) {
        if (isBare(value)) {
            return to - from == value.length() && text.startsWith(value, from);
        }
        int last = to - 1;
        if (last < from + 1 || text.charAt(from) != '"' || text.charAt(last) != '"') {
            return false;
        }
        int at = from + 1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\'') {
                if (at >= last || text.charAt(at) != '\\') {
                    return false;
                }
                at++;
            }
            if (at >= last || text.charAt(at) != c) {
                return false;
            }
            at++;
        }
        return at == last;
    }

    /** The value in double quotes with escapes, whatever its characters. */
    public static String quoteAlways(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\'') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
