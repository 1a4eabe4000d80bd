package io.pktpath.core.util;

/**
 * A fixed-size cache of immutable answers for hot questions whose fields the caller compares itself (addresses as
 * numbers, device names), so a lookup allocates no key: the caller hashes the fields, reads the few slots
 * {@link #at} gives for the hash and checks each answer's fields, and on a miss {@link #keep}s the answer it made.
 *
 * <p>Memory is bounded by the slot count; when every slot a hash may use is taken, the newest answer replaces the one in
 * the first of them. Slots are never emptied, so a reader may stop at the first empty slot. Each slot keeps its
 * answer's hash beside it, in an array of numbers that a probe reads first: a slot holding another hash's answer costs
 * no fetch of that answer, which for a cold question (a new connection's route on a large node) is a cache miss per
 * probe. Answers must be immutable objects (final fields): a thread that reads a slot sees either nothing, or a whole
 * answer (stale ones are equal, and the caller compares the answer's fields, so a hash seen beside another answer only
 * costs a miss).
 */
public final class AnswerSlots<A> {
    /** How many consecutive slots a hash may use. */
    public static final int PROBES = 4;

    private final Object[] slots;
    /** The hash each slot's answer was kept for ({@link #tag}: never 0), 0 for an empty slot. */
    private final int[] tags;
    private final int mask;
    private final int shift;

    /** A cache of {@code slots} slots, rounded up to a power of two (at least {@link #PROBES}). */
    public AnswerSlots(int slots) {
        int capacity = Integer.highestOneBit(Math.max(PROBES, slots) - 1) << 1;
        this.slots = new Object[capacity];
        this.tags = new int[capacity];
        this.mask = capacity - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    /** The number of slots. */
    public int capacity() {
        return slots.length;
    }

    /**
     * The answer in the {@code probe}-th slot (0 to {@link #PROBES}-1) for {@code hash} when it was kept for that hash,
     * or null (an empty slot, or another hash's answer: see {@link #emptyAt}).
     */
    @SuppressWarnings("unchecked")
    public A at(int hash, int probe) {
        int slot = (home(hash) + probe) & mask;
        return tags[slot] == tag(hash) ? (A) slots[slot] : null;
    }

    /** True if the {@code probe}-th slot for {@code hash} is empty, where a reader may stop looking. */
    public boolean emptyAt(int hash, int probe) {
        return tags[(home(hash) + probe) & mask] == 0;
    }

    /** Keeps {@code answer} in the first empty slot for {@code hash}, else in the first slot (replacing its answer). */
    public void keep(int hash, A answer) {
        if (answer == null) {
            throw new IllegalArgumentException("null answer");
        }
        int home = home(hash);
        for (int probe = 0; probe < PROBES; probe++) {
            int slot = (home + probe) & mask;
            if (tags[slot] == 0) {
                slots[slot] = answer;
                tags[slot] = tag(hash);
                return;
            }
        }
        slots[home & mask] = answer;
        tags[home & mask] = tag(hash);
    }

    /** The hash as a slot keeps it: 0 marks an empty slot, so a hash of 0 is kept as 1. */
    private static int tag(int hash) {
        return hash == 0 ? 1 : hash;
    }

    /** The first slot for {@code hash}: the top bits of a Fibonacci hash, so every bit of the hash counts. */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }
}
