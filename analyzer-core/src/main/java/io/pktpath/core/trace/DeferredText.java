package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A text that may be written only when first read. The replay leaves the texts of every walk to their readers, as most
 * are never shown (a summary or a text listing reads the failures' sentences only): a leaving packet's sentence (its
 * egress, next hop and NAT, about 150 characters), the label of each branch of a random rule's choice, and the detail
 * of a conntrack lookup, a NAT rewrite and a kernel check, which a flow's remembered path and the route caches keep for
 * as long as the flow lives. Two texts are equal when their words are.
 */
public abstract class DeferredText {
    /** The text once written; a race between two readers writes the same text twice, which is harmless. */
    private String text;

    /** A text that {@link #write} gives when first read. */
    protected DeferredText() {
    }

    private DeferredText(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** A text already written. */
    public static DeferredText of(String text) {
        return new Written(text);
    }

    /** A text that {@code writer} gives when first read (it must give the same words whenever it is asked). */
    public static DeferredText later(java.util.function.Supplier<String> writer) {
        Objects.requireNonNull(writer, "writer");
        return new DeferredText() {
            @Override
            protected String write() {
                return writer.get();
            }
        };
    }

    /** The text, or the empty text for null. */
    public static DeferredText orEmpty(DeferredText text) {
        return text == null ? EMPTY : text;
    }

    /** The empty text, written. */
    public static final DeferredText EMPTY = new Written("");

    /** Writes the text (called when it is first read). */
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
        return o instanceof DeferredText r && toString().equals(r.toString());
    }

    @Override
    public final int hashCode() {
        return toString().hashCode();
    }

    /** A text given written. */
    private static final class Written extends DeferredText {
        Written(String text) {
            super(text);
        }

        @Override
        protected String write() {
            throw new IllegalStateException("a written text is never written again");
        }
    }
}
