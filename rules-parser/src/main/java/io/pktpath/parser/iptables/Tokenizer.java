package io.pktpath.parser.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a dump line as iptables-restore does (semantics §10.2): whitespace separates tokens, double quotes group text
 * (with {@code \"}, {@code \\}, {@code \'} and any other {@code \x} read as {@code x} inside them), single quotes are
 * ordinary characters. One pass over the characters, no regular expressions.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    /** The tokens, or an exception giving the column of an unbalanced quote. */
    public static List<Token> tokenize(String line) throws UnbalancedQuoteException {
        List<Token> tokens = new ArrayList<>(24);
        int n = line.length();
        int i = 0;
        StringBuilder text = null;
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            int hash = 0;
            while (i < n && (c = line.charAt(i)) != ' ' && c != '\t' && c != '"') {
                hash = 31 * hash + c;
                i++;
            }
            if (i == n || line.charAt(i) != '"') {
                String plain = CommonWords.find(line, start, i, hash);
                tokens.add(new Token(plain, start + 1, false, plain));
                continue;
            }
            text = text == null ? new StringBuilder() : text;
            text.setLength(0);
            text.append(line, start, i);
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                if (line.charAt(i) != '"') {
                    text.append(line.charAt(i++));
                    continue;
                }
                int open = i++;
                while (i < n && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    text.append(line.charAt(i++));
                }
                if (i >= n) {
                    throw new UnbalancedQuoteException(open + 1);
                }
                i++;
            }
            tokens.add(new Token(text.toString(), start + 1, true, line.substring(start, i)));
        }
        return tokens;
    }

    /** Thrown for a double quote that is never closed; carries the 1-based column of the opening quote. */
    public static final class UnbalancedQuoteException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int column;

        UnbalancedQuoteException(int column) {
            super("unbalanced double quote", null, false, false);
            this.column = column;
        }

        public int column() {
            return column;
        }
    }
}
