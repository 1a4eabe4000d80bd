package io.pktpath.core.routing;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.parser.net.IpAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * The neighbour (ARP/NDP) answer for a next hop on a device (netfilter-semantics §6.5): the state shown by {@code ip neigh}
 * (or {@code NOARP} for devices and addresses that need no resolution, {@code none} without an entry), the cached
 * link-layer address, a tri-state verdict and the reason in words.
 */
public record NeighborResult(IpAddress address, String dev, String state, Optional<String> lladdr,
                             Deliverability deliverability, String detail) {
    public NeighborResult {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lladdr, "lladdr");
        Objects.requireNonNull(deliverability, "deliverability");
        Objects.requireNonNull(detail, "detail");
    }

    /** The trace step for this answer; only a definite yes counts as deliverable. */
    public NeighborStep toStep(Hook hook) {
        return new NeighborStep(hook, address.toString(), dev, state, deliverability == Deliverability.DELIVERABLE, detail);
    }
}
