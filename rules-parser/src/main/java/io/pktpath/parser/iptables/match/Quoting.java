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
        if (isBare(value)) {
            return value.equals(text);
        }
        int last = text.length() - 1;
        if (last < 1 || text.charAt(0) != '"' || text.charAt(last) != '"') {
            return false;
        }
        int at = 1;
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
