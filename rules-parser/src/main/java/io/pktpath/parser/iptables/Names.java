package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.OptionValue;
import java.util.Arrays;
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
    /** The hash code of each entry of {@link #words}, so a probe reads a string only when the hash agrees. */
    private final int[] wordHashes;
    private int wordCount;
    private final Object[] values;
    private final int[] valueHashes;
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
        this.wordHashes = new int[1 << bits];
        this.values = new Object[1 << bits];
        this.valueHashes = new int[1 << bits];
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
        int k = slot(hash);
        for (Object w = values[k]; w != null; w = values[k]) {
            if (valueHashes[k] == hash && w.equals(v)) {
                return (T) w;
            }
            k = (k + 1) & mask;
        }
        if (valueCount == full) {
            Arrays.fill(values, null);
            valueCount = 0;
            k = slot(hash);
        }
        values[k] = v;
        valueHashes[k] = hash;
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
        int k = slot(hash);
        for (String w = words[k]; w != null; w = words[k]) {
            if (wordHashes[k] == hash && w.length() == len && text.startsWith(w, start)) {
                return w;
            }
            k = (k + 1) & mask;
        }
        if (wordCount == full) {
            Arrays.fill(words, null);
            wordCount = 0;
            k = slot(hash);
        }
        String s = whole != null ? whole : text.substring(start, end);
        words[k] = s;
        wordHashes[k] = hash;
        wordCount++;
        return s;
    }

    private int slot(int hash) {
        return (hash * FIBONACCI) >>> (32 - bits);
    }
}
