package io.pktpath.core.netfilter;

import io.pktpath.core.netfilter.IndexKeys.Key;
import java.util.Map;

/**
 * The chain index's exact keys when every destination fits in 32 bits (any IPv4 ruleset): each key packed into a long
 * (address, protocol, port) in an open-addressing table, so a lookup reads two arrays instead of a hash node and a
 * key object, which matters when a packet's service is a random one of tens of thousands.
 */
final class PackedKeys {
    private final long[] keys;
    private final int[][] values;
    private final int shift;

    PackedKeys(Map<Key, int[]> exact) {
        int capacity = Integer.highestOneBit(Math.max(1, exact.size()) * 2) * 2;
        this.keys = new long[capacity];
        this.values = new int[capacity][];
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
        for (Map.Entry<Key, int[]> e : exact.entrySet()) {
            Key k = e.getKey();
            long key = pack(k.lo(), k.proto(), k.port());
            int slot = slot(key);
            while (values[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            keys[slot] = key;
            values[slot] = e.getValue();
        }
    }

    /** True if the key's destination, protocol and port fit the packing. */
    static boolean packable(Key k) {
        return !k.anyDst() && k.hi() == 0 && (k.lo() >>> 32) == 0 && (k.proto() & ~0xff) == 0 && (k.port() & ~0xffff) == 0;
    }

    private static long pack(long address, int proto, int port) {
        return address << 24 | (long) proto << 16 | port;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** The positions for this destination, protocol and port, or null. */
    int[] get(long hi, long lo, int proto, int port) {
        if (hi != 0 || (lo >>> 32) != 0 || (proto & ~0xff) != 0 || (port & ~0xffff) != 0) {
            return null;
        }
        long key = pack(lo, proto, port);
        for (int slot = slot(key); values[slot] != null; slot = (slot + 1) & (values.length - 1)) {
            if (keys[slot] == key) {
                return values[slot];
            }
        }
        return null;
    }
}
