package io.pktpath.core.trace;

import java.util.Objects;

/** The whole NAT a packet underwent on this node: its tuple before and after, and whether masquerade/SNAT applied. */
public record NatChange(Tuple before, Tuple after, boolean masquerade) {
    public NatChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    public boolean changed() {
        return !before.equals(after);
    }
}
