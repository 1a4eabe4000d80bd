package io.pktpath.core.conntrack;

import java.util.AbstractList;
import java.util.Map;
import java.util.RandomAccess;

/**
 * An unmodifiable list of flow records made on access from a replay's connections (in id order), so that a capture
 * with hundreds of thousands of flows does not hold every record beside every connection at the end; an overlay
 * tunnel's carrier flows get their {@link FlowTunnel}.
 */
public final class FlowList extends AbstractList<FlowRecord> implements RandomAccess {
    private final Connection[] connections;
    private final long endNanos;
    /** The carrier flows' tunnels by flow id (empty for a capture without tunnels). */
    private final Map<Long, FlowTunnel> tunnels;

    FlowList(Connection[] connections, long endNanos) {
        this(connections.clone(), endNanos, Map.of());
    }

    private FlowList(Connection[] connections, long endNanos, Map<Long, FlowTunnel> tunnels) {
        this.connections = connections;
        this.endNanos = endNanos;
        this.tunnels = tunnels;
    }

    /** The same flows, those named in {@code tunnels} (by flow id) as the carrier flows of their tunnel. */
    public FlowList withTunnels(Map<Long, FlowTunnel> tunnels) {
        return tunnels.isEmpty() ? this : new FlowList(connections, endNanos, Map.copyOf(tunnels));
    }

    @Override
    public FlowRecord get(int i) {
        FlowRecord r = connections[i].snapshot(endNanos);
        if (tunnels.isEmpty()) {
            return r;
        }
        FlowTunnel t = tunnels.get(r.id());
        return t == null ? r : r.withTunnel(t);
    }

    @Override
    public int size() {
        return connections.length;
    }
}
