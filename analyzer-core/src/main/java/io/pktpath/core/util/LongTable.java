package io.pktpath.core.util;

/**
 * A fixed-size open-addressing table from {@code long} keys to values, for hot lookups keyed by packed numbers (IPv4
 * prefixes, chain-index keys): a lookup reads two arrays instead of allocating a key object and following hash nodes.
 * Filled once with distinct keys, then only read.
 */
public final class LongTable<V> {
    private final long[] keys;
    private final Object[] values;
    private final int shift;

    /** An empty table with room for {@code entries} keys at a load of at most one half. */
    public LongTable(int entries) {
        int capacity = Integer.highestOneBit(Math.max(1, entries) * 2) * 2;
        this.keys = new long[capacity];
        this.values = new Object[capacity];
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** Adds a key that is not in the table yet (null values are not allowed). */
    public void put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int slot = slot(key);
        while (values[slot] != null) {
            if (keys[slot] == key) {
                throw new IllegalArgumentException("key " + key + " is already in the table");
            }
            slot = (slot + 1) & (values.length - 1);
        }
        keys[slot] = key;
        values[slot] = value;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        for (int slot = slot(key); values[slot] != null; slot = (slot + 1) & (values.length - 1)) {
            if (keys[slot] == key) {
                return (V) values[slot];
            }
        }
        return null;
    }
}
