package io.pktpath.core.netfilter;

import io.pktpath.core.netfilter.IndexKeys.Key;
import io.pktpath.core.util.LongTable;
import java.util.Map;

/**
 * The chain index's exact keys when every destination fits in 32 bits (any IPv4 ruleset): each key packed into a long
 * (address, protocol, port) in an open-addressing table, so a lookup reads two arrays instead of a hash node and a
 * key object, which matters when a packet's service is a random one of tens of thousands.
 */
final class PackedKeys {
    private final LongTable<int[]> table;

    PackedKeys(Map<Key, int[]> exact) {
        this.table = new LongTable<>(exact.size());
        for (Map.Entry<Key, int[]> e : exact.entrySet()) {
            Key k = e.getKey();
            table.put(pack(k.lo(), k.proto(), k.port()), e.getValue());
        }
    }

    /** True if the key's destination, protocol and port fit the packing. */
    static boolean packable(Key k) {
        return !k.anyDst() && k.hi() == 0 && (k.lo() >>> 32) == 0 && (k.proto() & ~0xff) == 0 && (k.port() & ~0xffff) == 0;
    }

    private static long pack(long address, int proto, int port) {
        return address << 24 | (long) proto << 16 | port;
    }

    /** The positions for this destination, protocol and port, or null. */
    int[] get(long hi, long lo, int proto, int port) {
        if (hi != 0 || (lo >>> 32) != 0 || (proto & ~0xff) != 0 || (port & ~0xffff) != 0) {
            return null;
        }
        return table.get(pack(lo, proto, port));
    }
}
