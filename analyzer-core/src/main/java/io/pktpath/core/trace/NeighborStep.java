package io.pktpath.core.trace;

import java.util.Objects;

/** The neighbor (ARP/NDP) entry for the next hop, its state from {@code ip neigh}, and whether delivery can go on. */
public record NeighborStep(Hook hook, String address, String dev, String state, boolean deliverable, String detail)
        implements TraceStep {
    public NeighborStep {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }
}
