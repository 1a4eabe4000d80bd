package io.pktpath.parser.nft;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a native rule's text into words the way nft prints them: a quoted string is one word (quotes kept), an
 * anonymous set {@code { a, b }} is one word (braces kept), anything else is split at white space.
 */
final class NftRuleTokens {
    private NftRuleTokens() {
    }

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
            } else if (!quoted && c == '}') {
                depth--;
            }
            if (Character.isWhitespace(c) && !quoted && depth == 0) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** The elements of {@code { a, b-c , d }} (or of a plain {@code a,b} list), stripped; one element for a plain word. */
    static List<String> elements(String word) {
        String inner = word.startsWith("{") && word.endsWith("}") ? word.substring(1, word.length() - 1) : word;
        if (inner.indexOf(',') < 0) {
            // one element (a rule's address or port): what the split below gives, without its array and list
            String s = inner.strip();
            return s.isEmpty() ? List.of() : List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (String e : inner.split(",")) {
            String s = e.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The statements of a chain body written on one line ({@code type filter hook input priority 0; policy accept; ct
     * state new jump a; }): split at each {@code ;} outside quotes and braces, stripped, empty ones left out.
     */
    static List<String> statements(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : ';';
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
            } else if (!quoted && c == '}') {
                depth--;
            } else if (c == ';' && (!quoted && depth == 0 || i == body.length())) {
                String s = body.substring(start, i).strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
                start = i + 1;
            }
        }
        return out;
    }

    static boolean isSet(String word) {
        return word.startsWith("{");
    }
}
