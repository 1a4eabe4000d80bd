package io.pktpath.core.netfilter;

/**
 * {@code -m string [!] --string/--hex-string P [--from a] [--to b]}: the payload is not in the packet model, so the
 * search is decided by the oracle, except when the pattern cannot fit in the searched bytes (then it is not found).
 */
final class StringEvaluator implements MatchEvaluator {
    private final int patternLength;
    private final long from;
    private final long to;
    private final boolean negated;
    private final String text;

    StringEvaluator(int patternLength, long from, long to, boolean negated, String text) {
        this.patternLength = patternLength;
        this.from = from;
        this.to = to;
        this.negated = negated;
        this.text = text;
    }

    private boolean fits(Evaluation e) {
        long end = Math.min(e.packet.length(), to);
        return end - from >= patternLength;
    }

    @Override
    public boolean test(Evaluation e) {
        if (!fits(e)) {
            return negated;
        }
        return e.chooseUnknown("payload not available: " + text);
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (!fits(e)) {
            return new Mismatch(text, "pattern of " + patternLength + " bytes cannot fit in " + e.packet.length() + " bytes");
        }
        return new Mismatch(text, "oracle chose no match");
    }

    /** The byte length of a {@code --hex-string} such as {@code |0d0a|abc}. */
    static int hexStringLength(String s) {
        int n = 0;
        boolean hex = false;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '|') {
                hex = !hex;
                digits = 0;
            } else if (hex) {
                if (Character.digit(c, 16) >= 0 && ++digits % 2 == 0) {
                    n++;
                }
            } else {
                n++;
            }
        }
        return n;
    }
}
