package io.pktpath.parser.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer as it was before {@link LineTokens} (a String and a {@link Token} per word), kept verbatim as the
 * reference the offset-based tokenizer is checked against.
 */
final class ReferenceTokenizer {
    private ReferenceTokenizer() {
    }

    /** The tokens, or an exception giving the column of an unbalanced quote. */
    static List<Token> tokenize(String line) throws Tokenizer.UnbalancedQuoteException {
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
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '"') {
                i++;
            }
            if (i == n || line.charAt(i) != '"') {
                String plain = line.substring(start, i);
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
                    throw new Tokenizer.UnbalancedQuoteException(open + 1);
                }
                i++;
            }
            tokens.add(new Token(text.toString(), start + 1, true, line.substring(start, i)));
        }
        return tokens;
    }

}
