package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.OptionValue;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares equal strings and immutable values kept by the model (chain names, addresses, comments, matches, targets)
 * between nearby rules one reader reads, so a large dump holds one copy of each instead of one per rule. A word of a
 * line is looked up in place, so a repeated word costs no new string; a word's option value is read once per option
 * kind. It remembers only the most recent few thousand of each, so its tables stay small and fast.
 */
final class Names {
    /** An option value read from one word, and whether that word is the value's canonical rendering. */
    record WordValue(OptionValue value, boolean canonical) {
    }

    /** Table size (as a power of two) for a reader of a whole dump. */
    static final int DUMP_BITS = 13;
    private static final int FIBONACCI = 0x9E3779B9;

    private final int bits;
    private final int mask;
    /** How many entries a table holds before it forgets them all (half its slots). */
    private final int full;
    private final String[] words;
    /**
     * Per slot of {@link #words}: the generation that filled it (high 32 bits) and the word's hash code (low 32 bits),
     * so a probe reads a string only when the hash agrees, and forgetting every word is starting a new generation.
     */
    private final long[] wordSlots;
    private int wordGeneration = 1;
    private int wordCount;
    private final Object[] values;
    /** Per slot of {@link #values}, as {@link #wordSlots}. */
    private final long[] valueSlots;
    private int valueGeneration = 1;
    private int valueCount;
    private final Map<OptionKind, Map<String, WordValue>> wordValues = new EnumMap<>(OptionKind.class);

    /** Sharing for a whole dump. */
    Names() {
        this(DUMP_BITS);
    }

    /** Sharing with tables of {@code 2^bits} slots (a few thousand lines need no more than 2^11). */
    Names(int bits) {
        this.bits = bits;
        this.mask = (1 << bits) - 1;
        this.full = 1 << (bits - 1);
        this.words = new String[1 << bits];
        this.wordSlots = new long[1 << bits];
        this.values = new Object[1 << bits];
        this.valueSlots = new long[1 << bits];
    }

    /** The first equal string seen, else {@code s} itself. */
    String share(String s) {
        return share(s, 0, s.length(), s.hashCode(), s);
    }

    /**
     * The first string seen equal to {@code line.substring(start, end)}, else that new substring; {@code hash} is its
     * {@link String#hashCode()} (see {@link #hash}).
     */
    String share(String line, int start, int end, int hash) {
        return share(line, start, end, hash, null);
    }

    /** {@link String#hashCode()} of {@code line.substring(start, end)}, computed in place. */
    static int hash(String line, int start, int end) {
        int h = 0;
        for (int k = start; k < end; k++) {
            h = 31 * h + line.charAt(k);
        }
        return h;
    }

    /** The first value seen equal to {@code v}, else {@code v} itself ({@code v} must be immutable). */
    @SuppressWarnings("unchecked")
    <T> T shareValue(T v) {
        int hash = v.hashCode();
        long filled = (long) valueGeneration << 32 | (hash & 0xffffffffL);
        int k = slot(hash);
        for (long m = valueSlots[k]; (int) (m >>> 32) == valueGeneration; m = valueSlots[k]) {
            if (m == filled && values[k].equals(v)) {
                return (T) values[k];
            }
            k = (k + 1) & mask;
        }
        if (valueCount == full) {
            valueGeneration++;
            valueCount = 0;
            filled = (long) valueGeneration << 32 | (hash & 0xffffffffL);
            k = slot(hash);
        }
        values[k] = v;
        valueSlots[k] = filled;
        valueCount++;
        return v;
    }

    /** The value of {@code word} for an option of {@code kind} as read before, or null. */
    WordValue wordValue(OptionKind kind, String word) {
        Map<String, WordValue> read = wordValues.get(kind);
        return read == null ? null : read.get(word);
    }

    /** Keeps the value {@code word} has for an option of {@code kind}. */
    void keepWordValue(OptionKind kind, String word, WordValue value) {
        Map<String, WordValue> read = wordValues.computeIfAbsent(kind, k -> new HashMap<>());
        if (read.size() == full) {
            read.clear();
        }
        read.put(word, value);
    }

    private String share(String text, int start, int end, int hash, String whole) {
        int len = end - start;
        long filled = (long) wordGeneration << 32 | (hash & 0xffffffffL);
        int k = slot(hash);
        for (long m = wordSlots[k]; (int) (m >>> 32) == wordGeneration; m = wordSlots[k]) {
            String w = words[k];
            if (m == filled && w.length() == len && text.startsWith(w, start)) {
                return w;
            }
            k = (k + 1) & mask;
        }
        if (wordCount == full) {
            wordGeneration++;
            wordCount = 0;
            filled = (long) wordGeneration << 32 | (hash & 0xffffffffL);
            k = slot(hash);
        }
        String s = whole != null ? whole : text.substring(start, end);
        words[k] = s;
        wordSlots[k] = filled;
        wordCount++;
        return s;
    }

    private int slot(int hash) {
        return (hash * FIBONACCI) >>> (32 - bits);
    }
}
