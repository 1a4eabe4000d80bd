package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One neighbor-table entry of {@code ip neigh} (ip-neighbour(8)): address, device, link-layer address, the
 * {@code router}/{@code proxy} markers and the NUD states (several may be printed, e.g. {@code STALE} or {@code NOARP}).
 */
public record Neighbor(IpAddress address, String dev, Optional<String> lladdr, boolean router, boolean proxy,
                       Set<NeighborState> states, SourceSpan span, String text) {
    public Neighbor {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(lladdr, "lladdr");
        states = states.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(states));
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }

    /** True when any state lets the kernel transmit without waiting for resolution. */
    public boolean usable() {
        return states.stream().anyMatch(NeighborState::usable);
    }
}
