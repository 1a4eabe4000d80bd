package io.pktpath.core.util;

/**
 * A bounded cache of immutable answers for hot questions whose fields the caller compares itself (addresses as
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
 *
 * <p>A caller may keep answers only at their second ask ({@link #askedBefore}): the first ask leaves the hash in a slot
 * with no answer (a number, no object), where the second finds it and keeps the answer. Questions asked once in a
 * long run (a new connection's route for each load-balancing branch, most not taken) then leave nothing that outlives a
 * young collection; a reader takes a marked slot for another hash's answer (a miss).
 *
 * <p>A cache made with a larger bound ({@link #AnswerSlots(int, int)}) doubles, up to it, once a quarter of its slots'
 * worth of answers have had to replace another since it last grew: a node whose questions outnumber the slots (a
 * 30,000-service node's endpoints, each a destination) would otherwise replace answers it asks again, while a small
 * node keeps a small table, whose few lines stay in the caches.
 */
public final class AnswerSlots<A> {
    /** How many consecutive slots a hash may use. */
    public static final int PROBES = 4;

    /**
     * The slots, the hash each slot's answer was kept for ({@link #tag}: never 0; 0 for an empty slot), and the bits that
     * find a hash's first slot; one object, replaced whole when the cache grows, so a reader sees one table throughout.
     */
    private record Table(Object[] slots, int[] tags, int mask, int shift) {
        static Table of(int capacity) {
            return new Table(new Object[capacity], new int[capacity], capacity - 1,
                    32 - Integer.numberOfTrailingZeros(capacity));
        }

        /** The first slot for {@code hash}: the top bits of a Fibonacci hash, so every bit of the hash counts. */
        int home(int hash) {
            return (hash * 0x9E3779B9) >>> shift;
        }
    }

    private Table table;
    private final int maxCapacity;
    /** Answers kept in place of another since the table last grew. */
    private int replaced;

    /** A cache of {@code slots} slots, rounded up to a power of two (at least {@link #PROBES}). */
    public AnswerSlots(int slots) {
        this(slots, slots);
    }

    /**
     * A cache of {@code slots} slots that grows up to {@code maxSlots} (each rounded up to a power of two, at least
     * {@link #PROBES}) when answers keep replacing each other.
     */
    public AnswerSlots(int slots, int maxSlots) {
        int capacity = roundUp(slots);
        this.table = Table.of(capacity);
        this.maxCapacity = Math.max(capacity, roundUp(maxSlots));
    }

    private static int roundUp(int slots) {
        return Integer.highestOneBit(Math.max(PROBES, slots) - 1) << 1;
    }

    /** The number of slots. */
    public int capacity() {
        return table.slots.length;
    }

    /**
     * The answer in the {@code probe}-th slot (0 to {@link #PROBES}-1) for {@code hash} when it was kept for that hash,
     * or null (an empty slot, or another hash's answer: see {@link #emptyAt}).
     */
    @SuppressWarnings("unchecked")
    public A at(int hash, int probe) {
        Table t = table;
        int slot = (t.home(hash) + probe) & t.mask;
        return t.tags[slot] == tag(hash) ? (A) t.slots[slot] : null;
    }

    /** True if the {@code probe}-th slot for {@code hash} is empty, where a reader may stop looking. */
    public boolean emptyAt(int hash, int probe) {
        Table t = table;
        return t.tags[(t.home(hash) + probe) & t.mask] == 0;
    }

    /**
     * Keeps {@code answer} in the first empty slot for {@code hash}, else in the first slot (replacing its answer; when
     * replacements have become frequent and the bound allows, the table doubles).
     */
    public void keep(int hash, A answer) {
        if (answer == null) {
            throw new IllegalArgumentException("null answer");
        }
        put(hash, answer);
    }

    /**
     * True when {@code hash} was asked before: a slot among its probes holds the mark an earlier call left for it (then
     * {@link #keep} puts the answer there). Otherwise leaves such a mark, placed as {@link #keep} places an answer (in
     * the first empty slot, else in place of the first slot's answer), and returns false.
     */
    public boolean askedBefore(int hash) {
        Table t = table;
        int tag = tag(hash);
        int home = t.home(hash);
        for (int probe = 0; probe < PROBES; probe++) {
            int slot = (home + probe) & t.mask;
            int kept = t.tags[slot];
            if (kept == 0) {
                break;
            }
            if (kept == tag && t.slots[slot] == null) {
                return true;
            }
        }
        put(hash, null);
        return false;
    }

    /** Keeps {@code answer}, or a mark for the hash when null, as {@link #keep} and {@link #askedBefore} describe. */
    private void put(int hash, A answer) {
        Table t = table;
        if (!place(t, tag(hash), hash, answer)) {
            int home = t.home(hash) & t.mask;
            t.slots[home] = answer;
            t.tags[home] = tag(hash);
            if (++replaced > t.slots.length / 4 && t.slots.length < maxCapacity) {
                grow();
            }
        }
    }

    /**
     * Puts the answer (or a mark: null) in the first slot of its probes in {@code t} that is empty or holds the hash's
     * mark; false when all are taken.
     */
    private static boolean place(Table t, int tag, int hash, Object answer) {
        int home = t.home(hash);
        for (int probe = 0; probe < PROBES; probe++) {
            int slot = (home + probe) & t.mask;
            if (t.tags[slot] == 0 || t.tags[slot] == tag && t.slots[slot] == null) {
                t.slots[slot] = answer;
                t.tags[slot] = tag;
                return true;
            }
        }
        return false;
    }

    /**
     * Doubles the table, keeping every answer where its hash finds it (a hash of 0, kept as 1, is kept under 1 and so
     * no longer found: a miss, as the caller compares fields anyway); answers that find no free slot are dropped.
     */
    private void grow() {
        Table old = table;
        Table bigger = Table.of(old.slots.length * 2);
        for (int i = 0; i < old.slots.length; i++) {
            if (old.tags[i] != 0) {
                place(bigger, old.tags[i], old.tags[i], old.slots[i]);
            }
        }
        table = bigger;
        replaced = 0;
    }

    /** The hash as a slot keeps it: 0 marks an empty slot, so a hash of 0 is kept as 1. */
    private static int tag(int hash) {
        return hash == 0 ? 1 : hash;
    }
}
