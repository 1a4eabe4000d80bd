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
        StringBuilder word = new StringBuilder();
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
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    /** The elements of {@code { a, b-c , d }} (or of a plain {@code a,b} list), stripped; one element for a plain word. */
    static List<String> elements(String word) {
        String inner = word.startsWith("{") && word.endsWith("}") ? word.substring(1, word.length() - 1) : word;
        List<String> out = new ArrayList<>();
        for (String e : inner.split(",")) {
            String s = e.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static boolean isSet(String word) {
        return word.startsWith("{");
    }
}
