package io.pktpath.core.findings;

import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;

/**
 * The last frame sent from each source endpoint (protocol, address, port) among the {@code capacity} endpoints seen
 * most recently for the first time, dropping the endpoint first seen longest ago, as a {@code LinkedHashMap} in
 * insertion order with {@code removeEldestEntry(size() > capacity)} would; but keyed by the raw fields in a
 * {@link PackedKeyTable}, so recording a frame of a known endpoint allocates nothing and touches one slot.
 */
final class LastFromSource {
    /**
     * What is kept of an endpoint's last frame: its number and destination, rewritten in place by the endpoint's next
     * frame, so the table holds no frame's summary (which would live until the endpoint's next frame, across the
     * collector's young collections) and recording a frame allocates nothing.
     */
    static final class Sent {
        long frame;
        /** The destination, or null when the frame has none (no {@code Optional} kept beside it). */
        IpAddress dst;
        int dport;

        private Sent(PacketSummary p) {
            set(p);
        }

        private void set(PacketSummary p) {
            frame = p.frame();
            dst = p.dst().orElse(null);
            dport = p.dport();
        }
    }

    private final PackedKeyTable<Sent> table;
    /** The key being looked up: the address halves and {@code family << 60 | proto << 32 | port}. */
    private final long[] key = new long[3];

    LastFromSource(int capacity) {
        table = new PackedKeyTable<>(3, capacity);
    }

    int size() {
        return table.size();
    }

    /** What was kept of the last frame put for the endpoint, or null. */
    Sent get(int proto, IpAddress address, int port) {
        return table.get(key(proto, address, port));
    }

    /** Records {@code p} as the last frame from the endpoint (the endpoint keeps its place in the table's order). */
    void put(int proto, IpAddress address, int port, PacketSummary p) {
        long[] k = key(proto, address, port);
        int slot = table.locate(k);
        if (slot >= 0) {
            table.valueAt(slot).set(p);
        } else {
            table.putAbsent(slot, k, new Sent(p));
        }
    }

    private long[] key(int proto, IpAddress address, int port) {
        PackedKeyTable.writeAddress(key, 0, address);
        key[2] = (address.isV4() ? 1L : 2L) << 60 | (proto & 0xfffffffL) << 32 | (port & 0xffffffffL);
        return key;
    }
}
