package io.pktpath.core.netfilter;

import io.pktpath.core.netfilter.IndexKeys.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chain index's keys when every key fits in 56 bits (an IPv4 destination, or none, with a protocol and a port),
 * each in an open-addressing table slot beside its candidate positions, up to three of them written into the slot
 * itself: a lookup of a service's cold key reads one slot (one cache line) instead of a key array, a value array and a
 * list, which matters when a packet's service is a random one of tens of thousands.
 *
 * <p>A lookup answers in an array of this table's own, rewritten by the next lookup: a compiled ruleset is walked by one
 * thread at a time, and a walk that enters the same chain again (only a dump with a loop can) asks for the same packet's
 * candidates, which are the same positions.
 */
final class PackedKeys {
    /** Positions below this fit in a slot, three of them beside a count. */
    private static final int INLINE_LIMIT = 1 << 20;
    private static final int INLINE_MAX = 3;
    private static final long POSITION_MASK = INLINE_LIMIT - 1;

    /** Key and value of each slot, side by side; a value of 0 marks an empty slot. */
    private final long[] slots;
    private final int shift;
    /** The candidate lists that do not fit in a slot, which the slot's negative value numbers. */
    private final int[][] lists;
    /** The answer arrays of one, two and three positions that a lookup fills. */
    private final int[][] answers = {new int[0], new int[1], new int[2], new int[3]};

    PackedKeys(Map<Key, int[]> keys) {
        int capacity = Integer.highestOneBit(Math.max(1, keys.size()) * 2) * 2;
        this.slots = new long[2 * capacity];
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
        List<int[]> longLists = new ArrayList<>();
        for (Map.Entry<Key, int[]> e : keys.entrySet()) {
            Key k = e.getKey();
            if (!packable(k)) {
                throw new IllegalArgumentException("key does not pack: " + k);
            }
            put(pack(k.lo(), k.proto(), k.port()), encode(e.getValue(), longLists));
        }
        this.lists = longLists.toArray(new int[0][]);
    }

    /** True if the key's destination (when it has one), protocol and port fit the packing. */
    static boolean packable(Key k) {
        return k.hi() == 0 && (k.lo() >>> 32) == 0 && (k.proto() & ~0xff) == 0 && (k.port() & ~0xffff) == 0;
    }

    private static long pack(long address, int proto, int port) {
        return address << 24 | (long) proto << 16 | port;
    }

    private static long encode(int[] positions, List<int[]> longLists) {
        boolean inline = positions.length > 0 && positions.length <= INLINE_MAX;
        for (int p : positions) {
            inline &= p >= 0 && p < INLINE_LIMIT;
        }
        if (!inline) {
            longLists.add(positions);
            return -longLists.size();
        }
        long value = (long) positions.length << 60;
        for (int i = 0; i < positions.length; i++) {
            value |= (long) positions[i] << (20 * i);
        }
        return value;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private void put(long key, long value) {
        int mask = slots.length / 2 - 1;
        int slot = slot(key);
        while (slots[2 * slot + 1] != 0) {
            if (slots[2 * slot] == key) {
                throw new IllegalArgumentException("key " + key + " is already in the table");
            }
            slot = (slot + 1) & mask;
        }
        slots[2 * slot] = key;
        slots[2 * slot + 1] = value;
    }

    /** The positions for this destination, protocol and port, or null. */
    int[] get(long hi, long lo, int proto, int port) {
        if (hi != 0 || (lo >>> 32) != 0 || (proto & ~0xff) != 0 || (port & ~0xffff) != 0) {
            return null;
        }
        long key = pack(lo, proto, port);
        int mask = slots.length / 2 - 1;
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long value = slots[2 * slot + 1];
            if (value == 0) {
                return null;
            }
            if (slots[2 * slot] == key) {
                return decode(value);
            }
        }
    }

    private int[] decode(long value) {
        if (value < 0) {
            return lists[(int) -value - 1];
        }
        int[] out = answers[(int) (value >>> 60)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) (value >>> (20 * i) & POSITION_MASK);
        }
        return out;
    }
}
