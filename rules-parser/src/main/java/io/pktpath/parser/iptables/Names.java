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

    private final GenerationSlots wordSlots;
    private final String[] words;
    private final GenerationSlots valueSlots;
    private final Object[] values;
    private final Map<OptionKind, Map<String, WordValue>> wordValues = new EnumMap<>(OptionKind.class);

    /** Sharing for a whole dump. */
    Names() {
        this(DUMP_BITS);
    }

    /** Sharing with tables of {@code 2^bits} slots (a few thousand lines need no more than 2^11). */
    Names(int bits) {
        this.wordSlots = new GenerationSlots(bits);
        this.words = new String[wordSlots.capacity()];
        this.valueSlots = new GenerationSlots(bits);
        this.values = new Object[valueSlots.capacity()];
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
        int k = valueSlots.first(hash);
        for (; valueSlots.taken(k); k = valueSlots.next(k)) {
            if (valueSlots.holds(k, hash) && values[k].equals(v)) {
                return (T) values[k];
            }
        }
        values[valueSlots.take(hash, k)] = v;
        return v;
    }

    /** The value of {@code word} for an option of {@code kind} as read before, or null. */
    WordValue wordValue(OptionKind kind, String word) {
        Map<String, WordValue> read = wordValues.get(kind);
        return read == null ? null : read.get(word);
    }

    /**
     * Keeps the value {@code word} has for an option of {@code kind}; the values of a kind are all forgotten once they
     * are as many as half the word slots, as the words are.
     */
    void keepWordValue(OptionKind kind, String word, WordValue value) {
        Map<String, WordValue> read = wordValues.computeIfAbsent(kind, k -> new HashMap<>());
        if (read.size() == wordSlots.capacity() / 2) {
            read.clear();
        }
        read.put(word, value);
    }

    private String share(String text, int start, int end, int hash, String whole) {
        int len = end - start;
        int k = wordSlots.first(hash);
        for (; wordSlots.taken(k); k = wordSlots.next(k)) {
            String w = words[k];
            if (wordSlots.holds(k, hash) && w.length() == len && text.startsWith(w, start)) {
                return w;
            }
        }
        String s = whole != null ? whole : text.substring(start, end);
        words[wordSlots.take(hash, k)] = s;
        return s;
    }
}
