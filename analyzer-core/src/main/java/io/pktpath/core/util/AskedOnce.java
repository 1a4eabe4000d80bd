package io.pktpath.core.util;

/**
 * Which questions, by hash, were asked once lately: a cache that asks it before keeping an answer keeps only answers
 * asked again, so questions asked once in a long run (a new connection's route for a load-balancing branch it did not
 * take) leave no object behind. One number per slot, direct-mapped: a hash whose slot another hash took since is
 * forgotten (its next ask counts as a first), and two hashes that share a slot and a value are one question (the cache
 * keeps an answer it did not need to, which costs memory only). Racy use is harmless for the same reasons.
 */
public final class AskedOnce {
    private final int[] hashes;
    private final int shift;

    /** Room for {@code slots} questions, rounded up to a power of two (at least 2). */
    public AskedOnce(int slots) {
        int capacity = Integer.highestOneBit(Math.max(2, slots) - 1) << 1;
        this.hashes = new int[capacity];
        this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
    }

    /**
     * True when {@code hash} was asked before and its slot has held it since; otherwise remembers it (in place of the
     * slot's hash) and returns false.
     */
    public boolean askedBefore(int hash) {
        int slot = (hash * 0x9E3779B9) >>> shift;
        int tag = hash == 0 ? 1 : hash; // 0 marks an empty slot
        if (hashes[slot] == tag) {
            return true;
        }
        hashes[slot] = tag;
        return false;
    }
}
