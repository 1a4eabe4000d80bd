package io.pktpath.core.util;

/**
 * The rule of backward-shift deletion in an open-addressing table with linear probing, shared by the tables that
 * remove keys: after a slot is emptied, a later key of the same probe run moves into the hole unless its home slot
 * lies cyclically after the hole, where a search for it would still start past the hole.
 */
public final class ProbeRuns {
    private ProbeRuns() {
    }

    /**
     * True if the key in {@code slot}, whose home slot is {@code home}, may move into the empty {@code hole} before it
     * in the same run (slots taken modulo {@code mask + 1}, a power of two): its home is not in (hole, slot].
     */
    public static boolean mayFill(int hole, int slot, int home, int mask) {
        return ((slot - home) & mask) >= ((slot - hole) & mask);
    }
}
