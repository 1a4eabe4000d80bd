package io.pktpath.parser.iproute;

/** The NUD states that {@code ip neigh} prints (ip-neighbour(8)). */
public enum NeighborState {
    PERMANENT, NOARP, REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED, NONE;

    /** True when the kernel can send to the neighbor without resolving it first. */
    public boolean usable() {
        return this == PERMANENT || this == NOARP || this == REACHABLE || this == STALE || this == DELAY || this == PROBE;
    }
}
