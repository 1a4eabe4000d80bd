package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;

/**
 * The last frame sent from each source endpoint (protocol, address, port) among the {@code capacity} endpoints seen
 * most recently for the first time, dropping the endpoint first seen longest ago, as a {@code LinkedHashMap} in
 * insertion order with {@code removeEldestEntry(size() > capacity)} would; but keyed by the raw fields in a
 * {@link PackedKeyTable}, so recording a frame allocates nothing and touches one slot.
 */
final class LastFromSource {
    private final PackedKeyTable<PacketSummary> table;
    /** The key being looked up: the address halves and {@code family << 60 | proto << 32 | port}. */
    private final long[] key = new long[3];

    LastFromSource(int capacity) {
        table = new PackedKeyTable<>(3, capacity);
    }

    int size() {
        return table.size();
    }

    /** The last frame put for the endpoint, or null. */
    PacketSummary get(int proto, IpAddress address, int port) {
        return table.get(key(proto, address, port));
    }

    /** Records {@code p} as the last frame from the endpoint. */
    void put(int proto, IpAddress address, int port, PacketSummary p) {
        table.put(key(proto, address, port), p);
    }

    private long[] key(int proto, IpAddress address, int port) {
        PackedKeyTable.writeAddress(key, 0, address);
        key[2] = (address.isV4() ? 1L : 2L) << 60 | (proto & 0xfffffffL) << 32 | (port & 0xffffffffL);
        return key;
    }
}
