package io.pktpath.core.conntrack;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list of flow records made on access from a replay's connections (in id order), so that a capture
 * with hundreds of thousands of flows does not hold every record beside every connection at the end.
 */
public final class FlowList extends AbstractList<FlowRecord> implements RandomAccess {
    private final Connection[] connections;
    private final long endNanos;

    FlowList(Connection[] connections, long endNanos) {
        this.connections = connections.clone();
        this.endNanos = endNanos;
    }

    @Override
    public FlowRecord get(int i) {
        return connections[i].snapshot(endNanos);
    }

    @Override
    public int size() {
        return connections.length;
    }
}
