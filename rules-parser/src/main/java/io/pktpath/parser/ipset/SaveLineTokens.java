package io.pktpath.parser.ipset;

import java.util.ArrayList;
import java.util.List;

/** Splits an {@code ipset save} line into words, keeping a double-quoted comment as one word (quotes removed). */
final class SaveLineTokens {
    /** A word and its 1-based column. */
    record Word(String text, int column) {
    }

    private SaveLineTokens() {
    }

    static List<Word> split(String line) {
        List<Word> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            if (line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < n && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    sb.append(line.charAt(i++));
                }
                i++;
                out.add(new Word(sb.toString(), start + 1));
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                out.add(new Word(line.substring(start, i), start + 1));
            }
        }
        return out;
    }
}
