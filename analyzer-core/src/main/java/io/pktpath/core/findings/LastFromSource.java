package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;

/**
 * The last frame sent from each source endpoint (protocol, address, port) among the {@code capacity} endpoints seen
 * most recently for the first time, dropping the endpoint first seen longest ago, as a {@code LinkedHashMap} in
 * insertion order with {@code removeEldestEntry(size() > capacity)} would; but keyed by the raw fields in an
 * open-addressing table, so recording a frame allocates nothing and touches one slot.
 */
final class LastFromSource {
    private final int capacity;
    private final int mask;
    /** Per slot: the address halves and {@code family << 60 | proto << 32 | port}; {@code values[slot] == null}: free. */
    private final long[] hi;
    private final long[] lo;
    private final long[] rest;
    private final PacketSummary[] values;
    /** The keys in the order they were first put, as a ring of {@code capacity + 1} entries. */
    private final long[] ringHi;
    private final long[] ringLo;
    private final long[] ringRest;
    private int ringStart;
    private int size;

    LastFromSource(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(capacity, 2) * 3 - 1) << 1;
        mask = slots - 1;
        hi = new long[slots];
        lo = new long[slots];
        rest = new long[slots];
        values = new PacketSummary[slots];
        ringHi = new long[capacity + 1];
        ringLo = new long[capacity + 1];
        ringRest = new long[capacity + 1];
    }

    int size() {
        return size;
    }

    /** The last frame put for the endpoint, or null. */
    PacketSummary get(int proto, IpAddress address, int port) {
        long r = rest(proto, address, port);
        int slot = find(address.hi(), address.lo(), r);
        return slot < 0 ? null : values[slot];
    }

    /** Records {@code p} as the last frame from the endpoint. */
    void put(int proto, IpAddress address, int port, PacketSummary p) {
        long h = address.hi();
        long l = address.lo();
        long r = rest(proto, address, port);
        int slot = find(h, l, r);
        if (slot >= 0) {
            values[slot] = p;
            return;
        }
        slot = ~slot;
        hi[slot] = h;
        lo[slot] = l;
        rest[slot] = r;
        values[slot] = p;
        int end = (ringStart + size) % (capacity + 1);
        ringHi[end] = h;
        ringLo[end] = l;
        ringRest[end] = r;
        size++;
        if (size > capacity) {
            remove(find(ringHi[ringStart], ringLo[ringStart], ringRest[ringStart]));
            ringStart = (ringStart + 1) % (capacity + 1);
            size--;
        }
    }

    private static long rest(int proto, IpAddress address, int port) {
        return (address.isV4() ? 1L : 2L) << 60 | (proto & 0xfffffffL) << 32 | (port & 0xffffffffL);
    }

    private int home(long h, long l, long r) {
        return KeyHash.finish(KeyHash.add(KeyHash.add(KeyHash.add(0, h), l), r)) & mask;
    }

    /** The slot of the key, or {@code ~slot} of the free slot where it would go. */
    private int find(long h, long l, long r) {
        int slot = home(h, l, r);
        while (values[slot] != null) {
            if (lo[slot] == l && rest[slot] == r && hi[slot] == h) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return ~slot;
    }

    /** Empties {@code slot}, moving later keys of its probe run back so every key stays reachable from its home slot. */
    private void remove(int slot) {
        int hole = slot;
        int next = (hole + 1) & mask;
        while (values[next] != null) {
            int home = home(hi[next], lo[next], rest[next]);
            // the key at next may fill the hole unless its home lies cyclically in (hole, next]
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                hi[hole] = hi[next];
                lo[hole] = lo[next];
                rest[hole] = rest[next];
                values[hole] = values[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        values[hole] = null;
    }
}
