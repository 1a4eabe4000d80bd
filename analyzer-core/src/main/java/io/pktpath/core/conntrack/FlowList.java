package io.pktpath.core.conntrack;

import java.util.AbstractList;
import java.util.Map;
import java.util.RandomAccess;

/**
 * An unmodifiable list of flow records made on access from a replay's connections (in id order), so that a capture
 * with hundreds of thousands of flows does not hold every record beside every connection at the end; an overlay
 * tunnel's carrier flows get their {@link FlowTunnel}, the flows they carried their {@link FlowCarriers}.
 */
public final class FlowList extends AbstractList<FlowRecord> implements RandomAccess {
    private final Connection[] connections;
    private final long endNanos;
    /** The carrier flows' tunnels by flow id (empty for a capture without tunnels). */
    private final Map<Long, FlowTunnel> tunnels;
    /** The carried (inner) flows' carriers by flow id (empty for a capture without tunnels). */
    private final Map<Long, FlowCarriers> carried;

    FlowList(Connection[] connections, long endNanos) {
        this(connections.clone(), endNanos, Map.of(), Map.of());
    }

    private FlowList(Connection[] connections, long endNanos, Map<Long, FlowTunnel> tunnels,
                     Map<Long, FlowCarriers> carried) {
        this.connections = connections;
        this.endNanos = endNanos;
        this.tunnels = tunnels;
        this.carried = carried;
    }

    /** The same flows, those named in {@code tunnels} (by flow id) as the carrier flows of their tunnel. */
    public FlowList withTunnels(Map<Long, FlowTunnel> tunnels) {
        return tunnels.isEmpty() ? this : new FlowList(connections, endNanos, Map.copyOf(tunnels), carried);
    }

    /** The same flows, those named in {@code carried} (by flow id) as carried by their carrier flows. */
    public FlowList withCarriers(Map<Long, FlowCarriers> carried) {
        return carried.isEmpty() ? this : new FlowList(connections, endNanos, tunnels, Map.copyOf(carried));
    }

    @Override
    public FlowRecord get(int i) {
        FlowRecord r = connections[i].snapshot(endNanos);
        if (tunnels.isEmpty() && carried.isEmpty()) {
            return r;
        }
        FlowTunnel t = tunnels.get(r.id());
        FlowCarriers c = carried.get(r.id());
        r = t == null ? r : r.withTunnel(t);
        return c == null ? r : r.withCarriers(c);
    }

    @Override
    public int size() {
        return connections.length;
    }
}
