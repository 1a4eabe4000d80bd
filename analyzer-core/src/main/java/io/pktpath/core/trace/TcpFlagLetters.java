package io.pktpath.core.trace;

/**
 * The letters tcpdump writes for a TCP segment's flags, in its order (S, F, R, P, U, then {@code .} for ACK), shared
 * by the reader's info text and the one written later from a summary's fields, so the two cannot drift apart.
 */
public final class TcpFlagLetters {
    /** The flag bits, in the order their letters are written. */
    private static final int[] BITS = {0x02, 0x01, 0x04, 0x08, 0x20, 0x10};
    private static final char[] LETTERS = {'S', 'F', 'R', 'P', 'U', '.'};

    private TcpFlagLetters() {
    }

    /** How many flags have a letter. */
    public static int count() {
        return BITS.length;
    }

    /** The {@code i}-th letter if its flag is set in {@code flags}, else 0. */
    public static char letter(int flags, int i) {
        return (flags & BITS[i]) != 0 ? LETTERS[i] : 0;
    }

    /** Appends the letters of the flags set in {@code flags}. */
    static StringBuilder append(StringBuilder sb, int flags) {
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                sb.append(LETTERS[i]);
            }
        }
        return sb;
    }
}
