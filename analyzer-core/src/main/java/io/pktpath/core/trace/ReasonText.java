package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A disposition's sentence that may be written only when first read: the replay leaves a leaving packet's sentence (its
 * egress, next hop and NAT, about 150 characters) to its reader, as most frames' sentences are never shown (a summary
 * or a text listing reads the failures' only). Two texts are equal when their sentences are.
 */
public abstract class ReasonText {
    /** The sentence once written; a race between two readers writes the same text twice, which is harmless. */
    private String text;

    /** A text whose sentence {@link #write} will give when first read. */
    protected ReasonText() {
    }

    private ReasonText(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** A sentence already written. */
    public static ReasonText of(String text) {
        return new Written(text);
    }

    /** Writes the sentence (called when it is first read). */
    protected abstract String write();

    @Override
    public final String toString() {
        String t = text;
        if (t == null) {
            t = write();
            text = t;
        }
        return t;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof ReasonText r && toString().equals(r.toString());
    }

    @Override
    public final int hashCode() {
        return toString().hashCode();
    }

    /** A sentence given as text. */
    private static final class Written extends ReasonText {
        Written(String text) {
            super(text);
        }

        @Override
        protected String write() {
            throw new IllegalStateException("a written sentence is never written again");
        }
    }
}
