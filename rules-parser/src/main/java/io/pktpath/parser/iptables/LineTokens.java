package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.Quoting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokens of one dump line as {@link Tokenizer} splits it, held as offsets into the line: a token's text is made only
 * when asked for (and then once), and option names are compared in place. One instance is reused line after line by
 * one reader; it never outlives the line it was last given.
 */
final class LineTokens {
    private String line = "";
    private int count;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int[] hashes = new int[32];
    private boolean[] quoted = new boolean[32];
    private String[] texts = new String[32];
    private StringBuilder unquoting;
    private final Names names;

    /** Tokens whose words are shared through {@code names}. */
    LineTokens(Names names) {
        this.names = names;
    }

    /** Splits {@code text} into this instance's tokens, replacing the previous line's. */
    LineTokens read(String text) throws Tokenizer.UnbalancedQuoteException {
        line = text;
        count = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            int hash = 0;
            while (i < n && (c = text.charAt(i)) != ' ' && c != '\t' && c != '"') {
                hash = 31 * hash + c;
                i++;
            }
            boolean q = i < n && text.charAt(i) == '"';
            if (q) {
                i = quotedEnd(text, i);
            }
            add(start, i, hash, q);
        }
        return this;
    }

    /** The end of a token that has a double quote at {@code i}, checking that every quote closes. */
    private static int quotedEnd(String text, int i) throws Tokenizer.UnbalancedQuoteException {
        int n = text.length();
        while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
            if (text.charAt(i++) != '"') {
                continue;
            }
            int open = i - 1;
            while (i < n && text.charAt(i) != '"') {
                i += text.charAt(i) == '\\' && i + 1 < n ? 2 : 1;
            }
            if (i >= n) {
                throw new Tokenizer.UnbalancedQuoteException(open + 1);
            }
            i++;
        }
        return i;
    }

    private void add(int start, int end, int hash, boolean q) {
        if (count == starts.length) {
            int size = count * 2;
            starts = Arrays.copyOf(starts, size);
            ends = Arrays.copyOf(ends, size);
            hashes = Arrays.copyOf(hashes, size);
            quoted = Arrays.copyOf(quoted, size);
            texts = Arrays.copyOf(texts, size);
        }
        starts[count] = start;
        ends[count] = end;
        hashes[count] = hash;
        quoted[count] = q;
        texts[count] = null;
        count++;
    }

    /** The line the tokens are from. */
    String line() {
        return line;
    }

    int size() {
        return count;
    }

    /** The offset in the line where token {@code k} starts. */
    int start(int k) {
        return starts[k];
    }

    /** The offset in the line just after token {@code k}. */
    int end(int k) {
        return ends[k];
    }

    /** The common word ({@link CommonWords}) unquoted token {@code k} is, compared in place; else null. */
    String commonWord(int k) {
        return quoted[k] ? null : CommonWords.lookup(line, starts[k], ends[k], hashes[k]);
    }

    /** The 1-based column of token {@code k}. */
    int column(int k) {
        return starts[k] + 1;
    }

    boolean quoted(int k) {
        return quoted[k];
    }

    /** The {@link String#hashCode()} of unquoted token {@code k}'s text. */
    int hash(int k) {
        return hashes[k];
    }

    /** True if token {@code k} is unquoted and one of the {@link CommonWords}. */
    boolean common(int k) {
        return !quoted[k] && CommonWords.lookup(line, starts[k], ends[k], hashes[k]) != null;
    }

    /**
     * The text of token {@code k}, its quotes removed: a common word is the shared {@link CommonWords} string, any other
     * text the string the {@link Names} of this instance share.
     */
    String text(int k) {
        String t = texts[k];
        if (t == null) {
            t = quoted[k] ? unquote(starts[k], ends[k]) : word(starts[k], ends[k], hashes[k]);
            texts[k] = t;
        }
        return t;
    }

    /** Token {@code k}'s text without its first {@code skip} characters (such as the {@code :} of a chain line). */
    String textAfter(int k, int skip) {
        if (quoted[k] || ends[k] - starts[k] < skip) {
            return text(k).substring(skip);
        }
        int from = starts[k] + skip;
        return word(from, ends[k], Names.hash(line, from, ends[k]));
    }

    private String word(int start, int end, int hash) {
        String common = CommonWords.lookup(line, start, end, hash);
        return common != null ? common : names.share(line, start, end, hash);
    }

    /** The source text of token {@code k}, quotes and escapes included. */
    String raw(int k) {
        return quoted[k] ? line.substring(starts[k], ends[k]) : text(k);
    }

    /** True if token {@code k}'s source text is {@code value} as {@link Quoting#quote} writes it. */
    boolean rawQuotes(int k, String value) {
        return Quoting.quotesAs(value, line, starts[k], ends[k]);
    }

    /** The length of token {@code k}'s source text. */
    int rawLength(int k) {
        return ends[k] - starts[k];
    }

    /** True if token {@code k}'s source text starts at offset {@code at} of {@code s} (compared in place). */
    boolean rawAt(int k, String s, int at) {
        return s.regionMatches(at, line, starts[k], ends[k] - starts[k]);
    }

    /** True if token {@code k} is unquoted and is {@code word}. */
    boolean is(int k, String word) {
        return !quoted[k] && ends[k] - starts[k] == word.length() && line.startsWith(word, starts[k]);
    }

    /** True if token {@code k}'s text starts with {@code prefix}. */
    boolean startsWith(int k, String prefix) {
        if (quoted[k]) {
            return text(k).startsWith(prefix);
        }
        return ends[k] - starts[k] >= prefix.length() && line.startsWith(prefix, starts[k]);
    }

    /** Token {@code k} as a {@link Token}. */
    Token token(int k) {
        return new Token(text(k), column(k), quoted[k], raw(k));
    }

    /** Tokens [from, to) as {@link Token}s. */
    List<Token> tokens(int from, int to) {
        if (from >= to) {
            return List.of();
        }
        List<Token> list = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
            list.add(token(k));
        }
        return list;
    }

    /** True for a token {@code "text"} whose text has no quote or backslash: its text is then the inside, as it is. */
    private boolean plainQuoted(int start, int end) {
        if (line.charAt(start) != '"' || line.charAt(end - 1) != '"' || end - start < 2) {
            return false;
        }
        for (int i = start + 1; i < end - 1; i++) {
            char c = line.charAt(i);
            if (c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private String unquote(int start, int end) {
        if (plainQuoted(start, end)) {
            return names.share(line, start + 1, end - 1, Names.hash(line, start + 1, end - 1));
        }
        StringBuilder sb = unquoting == null ? unquoting = new StringBuilder() : unquoting;
        sb.setLength(0);
        int i = start;
        while (i < end) {
            char c = line.charAt(i++);
            if (c != '"') {
                sb.append(c);
                continue;
            }
            while (line.charAt(i) != '"') {
                if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                    i++;
                }
                sb.append(line.charAt(i++));
            }
            i++;
        }
        return names.share(sb.toString());
    }
}
