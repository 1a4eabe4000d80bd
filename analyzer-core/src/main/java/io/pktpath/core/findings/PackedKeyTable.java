package io.pktpath.core.findings;

import io.pktpath.core.util.ProbeRuns;
import io.pktpath.parser.net.IpAddress;
import java.util.function.Consumer;

/**
 * A map from keys of a fixed number of {@code long}s (packed addresses, ports, flags) to values, holding at most
 * {@code capacity} keys and dropping the key first put longest ago when one more arrives, as a {@code LinkedHashMap} in
 * insertion order with {@code removeEldestEntry(size() > capacity)} would; but in one open-addressing table with the
 * key words side by side, so a lookup allocates nothing and reads one or two cache lines instead of following a
 * hash node to a key object and from there to its fields. The caller passes keys in a {@code long[]} it reuses.
 */
public final class PackedKeyTable<V> {
    private final int width;
    private final int capacity;
    private final int mask;
    /** Key words of each slot, {@code width} per slot; a slot is free when its value is null. */
    private final long[] keys;
    private final Object[] values;
    /** The keys in the order they were first put, as a ring of {@code capacity + 1} keys. */
    private final long[] ring;
    private int ringStart;
    private int size;

    /** An empty table for keys of {@code width} words, holding at most {@code capacity} keys. */
    public PackedKeyTable(int width, int capacity) {
        if (width < 1 || capacity < 1) {
            throw new IllegalArgumentException("width " + width + ", capacity " + capacity);
        }
        this.width = width;
        this.capacity = capacity;
        // at most half full (short probe runs, few cache lines), and never without a free slot (a probe ends on one)
        int slots = Math.max(4, Integer.highestOneBit(capacity * 2 - 1) << 1);
        mask = slots - 1;
        keys = new long[slots * width];
        values = new Object[slots];
        ring = new long[(capacity + 1) * width];
    }

    /** Writes {@code address}'s two halves at {@code key[at]} and {@code key[at + 1]} (0 and 0 for none). */
    public static void writeAddress(long[] key, int at, IpAddress address) {
        key[at] = address == null ? 0 : address.hi();
        key[at + 1] = address == null ? 0 : address.lo();
    }

    /** Number of keys held. */
    public int size() {
        return size;
    }

    /** The value of {@code key} (its first {@code width} words), or null. */
    @SuppressWarnings("unchecked")
    public V get(long[] key) {
        int slot = find(key, 0);
        return slot < 0 ? null : (V) values[slot];
    }

    /**
     * Maps {@code key} to {@code value} (not null); a key already held keeps its place in the insertion order. Returns
     * the value of the key dropped to stay within the capacity, or null when none was dropped.
     */
    @SuppressWarnings("unchecked")
    public V put(long[] key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int slot = find(key, 0);
        if (slot >= 0) {
            values[slot] = value;
            return null;
        }
        return putAbsent(slot, key, value);
    }

    /**
     * Where {@code key} is: its slot ({@code >= 0}, its value at {@link #valueAt}) when held, else a negative number
     * that {@link #putAbsent} takes to add it without searching again; a caller that reads a key and adds it when
     * absent so searches its probe run once.
     */
    public int locate(long[] key) {
        return find(key, 0);
    }

    /** The value in {@code slot}, a slot {@link #locate} returned for a held key. */
    @SuppressWarnings("unchecked")
    public V valueAt(int slot) {
        return (V) values[slot];
    }

    /** Replaces the value in {@code slot}, a slot {@link #locate} returned for a held key (not null). */
    public void setAt(int slot, V value) {
        if (value == null || values[slot] == null) {
            throw new IllegalArgumentException(value == null ? "null value" : "slot " + slot + " is free");
        }
        values[slot] = value;
    }

    /**
     * {@link #put} of a key {@link #locate} just found absent, returning {@code where}, with the table unchanged since:
     * the key goes to the free slot that search ended on. Returns the value dropped to stay within the capacity, or null.
     */
    @SuppressWarnings("unchecked")
    public V putAbsent(int where, long[] key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        if (where >= 0 || values[~where] != null) {
            throw new IllegalArgumentException("slot " + ~where + " is not free");
        }
        int slot = ~where;
        System.arraycopy(key, 0, keys, slot * width, width);
        values[slot] = value;
        System.arraycopy(key, 0, ring, ((ringStart + size) % (capacity + 1)) * width, width);
        size++;
        if (size <= capacity) {
            return null;
        }
        int eldest = find(ring, ringStart * width);
        V dropped = (V) values[eldest];
        remove(eldest);
        ringStart = (ringStart + 1) % (capacity + 1);
        size--;
        return dropped;
    }

    /** Removes every key. */
    public void clear() {
        java.util.Arrays.fill(values, null);
        ringStart = 0;
        size = 0;
    }

    /** Hands every value to {@code action} in the order their keys were first put. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super V> action) {
        for (int i = 0; i < size; i++) {
            action.accept((V) values[find(ring, ((ringStart + i) % (capacity + 1)) * width)]);
        }
    }

    private int home(long[] source, int from) {
        long h = 0;
        for (int i = 0; i < width; i++) {
            h = KeyHash.add(h, source[from + i]);
        }
        return KeyHash.finish(h) & mask;
    }

    /**
     * The slot holding the key at {@code source[from..from+width)} (a caller's key, or a key in the ring), or
     * {@code ~slot} of the free slot where it would go.
     */
    private int find(long[] source, int from) {
        int slot = home(source, from);
        while (values[slot] != null) {
            if (sameKey(slot, source, from)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return ~slot;
    }

    private boolean sameKey(int slot, long[] source, int from) {
        int base = slot * width;
        for (int i = 0; i < width; i++) {
            if (keys[base + i] != source[from + i]) {
                return false;
            }
        }
        return true;
    }

    /** Empties {@code slot}, moving later keys of its probe run back so each stays reachable from its home slot. */
    private void remove(int slot) {
        int hole = slot;
        int next = (hole + 1) & mask;
        while (values[next] != null) {
            if (ProbeRuns.mayFill(hole, next, home(keys, next * width), mask)) {
                System.arraycopy(keys, next * width, keys, hole * width, width);
                values[hole] = values[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        values[hole] = null;
    }
}
