package io.pktpath.parser.iptables.listing;

/** Reads the words of a listed rule's tail (what follows the destination column) one by one. */
final class TailCursor {
    private final String text;
    private int pos;

    TailCursor(String text) {
        this.text = text;
        skipSpaces();
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    int position() {
        return pos;
    }

    void reset(int position) {
        pos = position;
    }

    /** The next word without consuming it, or "" at the end. */
    String peek() {
        int end = wordEnd(pos);
        return text.substring(pos, end);
    }

    /** The word after the next one, or "". */
    String peekSecond() {
        int end = wordEnd(pos);
        int start = end;
        while (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        return text.substring(start, wordEnd(start));
    }

    /** Consumes and returns the next word (or "" at the end). */
    String next() {
        String w = peek();
        pos += w.length();
        skipSpaces();
        return w;
    }

    /** Consumes the next word, which must be there. */
    String value(String what) throws ListingFormException {
        if (atEnd()) {
            throw new ListingFormException("the rule ends where " + what + " was expected", pos, what);
        }
        return next();
    }

    /** Consumes the words of {@code phrase} if the text continues with them, word for word. */
    boolean accept(String phrase) {
        int save = pos;
        for (String w : phrase.split(" ")) {
            if (!peek().equals(w)) {
                pos = save;
                return false;
            }
            next();
        }
        return true;
    }

    /** Consumes the phrase, which must be there. */
    void expect(String phrase) throws ListingFormException {
        if (!accept(phrase)) {
            throw new ListingFormException("'" + phrase + "' expected, found '" + rest() + "'", pos, "'" + phrase + "'");
        }
    }

    /** The text of a comment that starts here ({@code /* TEXT *}{@code /}), consumed. */
    String comment() throws ListingFormException {
        int start = pos + 3;
        int end = text.indexOf(" */", pos + 2);
        if (!text.startsWith("/* ", pos) || end < 0) {
            throw new ListingFormException("a comment that does not end with '*/' (the line is cut short?)", pos,
                    "/* TEXT */");
        }
        String body = end >= start ? text.substring(start, end) : "";
        pos = end + 3;
        skipSpaces();
        return body;
    }

    String rest() {
        return text.substring(pos);
    }

    private int wordEnd(int from) {
        int end = from;
        while (end < text.length() && text.charAt(end) != ' ') {
            end++;
        }
        return end;
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }
}
