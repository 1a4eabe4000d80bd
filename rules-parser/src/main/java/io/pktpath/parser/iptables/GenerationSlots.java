package io.pktpath.parser.iptables;

/**
 * The bookkeeping of a small open-addressing table that forgets everything at once when half full: per slot, the
 * generation that filled it (high 32 bits) and its key's hash (low 32 bits), so a probe reads a key only when the hash
 * agrees and forgetting every key is starting a new generation. The tables built on it ({@link Names},
 * {@link RegionMemo}) keep their keys and values in arrays of their own, indexed by the same slots.
 */
final class GenerationSlots {
    private static final int FIBONACCI = 0x9E3779B9;

    private final int bits;
    private final int mask;
    /** How many keys the table holds before it forgets them all (half its slots). */
    private final int full;
    private final long[] slots;
    private int generation = 1;
    private int count;

    /** Bookkeeping for {@code 2^bits} slots. */
    GenerationSlots(int bits) {
        this.bits = bits;
        this.mask = (1 << bits) - 1;
        this.full = 1 << (bits - 1);
        this.slots = new long[1 << bits];
    }

    /** The number of slots, the length of the arrays a table keeps beside these. */
    int capacity() {
        return slots.length;
    }

    /** The first slot a probe for a key of {@code hash} reads. */
    int first(int hash) {
        return (hash * FIBONACCI) >>> (32 - bits);
    }

    /** The slot a probe reads after {@code k}. */
    int next(int k) {
        return (k + 1) & mask;
    }

    /** True if slot {@code k} holds a key of the current generation (a probe goes on past it). */
    boolean taken(int k) {
        return (int) (slots[k] >>> 32) == generation;
    }

    /** True if slot {@code k} holds a key of the current generation whose hash is {@code hash}. */
    boolean holds(int k, int hash) {
        return slots[k] == stamp(hash);
    }

    /**
     * The slot a new key of {@code hash} goes in, marked taken: {@code free}, where its probe ended, or, when the table
     * is already half full, its first slot in a new generation, every older key forgotten.
     */
    int take(int hash, int free) {
        int k = free;
        if (count == full) {
            generation++;
            count = 0;
            k = first(hash);
        }
        slots[k] = stamp(hash);
        count++;
        return k;
    }

    private long stamp(int hash) {
        return (long) generation << 32 | (hash & 0xffffffffL);
    }
}
