package io.pktpath.core.util;

/**
 * A fixed-size cache of immutable answers for hot questions whose fields the caller compares itself (addresses as
 * numbers, device names), so a lookup allocates no key: the caller hashes the fields, reads the few slots
 * {@link #at} gives for the hash and checks each answer's fields, and on a miss {@link #keep}s the answer it made.
 *
 * <p>Memory is bounded by the slot count; when every slot a hash may use is taken, the newest answer replaces the one in
 * the first of them. Slots are never emptied, so a reader may stop at the first empty slot. Answers must be immutable
 * objects (final fields): a thread that reads a slot sees either nothing, or a whole answer (stale ones are equal).
 */
public final class AnswerSlots<A> {
    /** How many consecutive slots a hash may use. */
    public static final int PROBES = 4;

    private final Object[] slots;
    private final int mask;
    private final int shift;

    /** A cache of {@code slots} slots, rounded up to a power of two (at least {@link #PROBES}). */
    public AnswerSlots(int slots) {
        int capacity = Integer.highestOneBit(Math.max(PROBES, slots) - 1) << 1;
        this.slots = new Object[capacity];
        this.mask = capacity - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    /** The number of slots. */
    public int capacity() {
        return slots.length;
    }

    /** The answer in the {@code probe}-th slot (0 to {@link #PROBES}-1) for {@code hash}, or null when it is empty. */
    @SuppressWarnings("unchecked")
    public A at(int hash, int probe) {
        return (A) slots[(home(hash) + probe) & mask];
    }

    /** Keeps {@code answer} in the first empty slot for {@code hash}, else in the first slot (replacing its answer). */
    public void keep(int hash, A answer) {
        if (answer == null) {
            throw new IllegalArgumentException("null answer");
        }
        int home = home(hash);
        for (int probe = 0; probe < PROBES; probe++) {
            int slot = (home + probe) & mask;
            if (slots[slot] == null) {
                slots[slot] = answer;
                return;
            }
        }
        slots[home & mask] = answer;
    }

    /** The first slot for {@code hash}: the top bits of a Fibonacci hash, so every bit of the hash counts. */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }
}
