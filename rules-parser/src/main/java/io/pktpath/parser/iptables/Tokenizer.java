package io.pktpath.parser.iptables;

import java.util.List;

/**
 * Splits a dump line as iptables-restore does (semantics §10.2): whitespace separates tokens, double quotes group text
 * (with {@code \"}, {@code \\}, {@code \'} and any other {@code \x} read as {@code x} inside them), single quotes are
 * ordinary characters. The scanning is {@link LineTokens}'s; this gives its tokens as a list.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    /** The tokens, or an exception giving the column of an unbalanced quote (read by {@link LineTokens}). */
    public static List<Token> tokenize(String line) throws UnbalancedQuoteException {
        LineTokens tokens = new LineTokens(new Names()).read(line);
        return tokens.tokens(0, tokens.size());
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
