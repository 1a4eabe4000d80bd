package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.NatStep;
import java.util.Objects;
import java.util.Optional;

/** A packet after conntrack applied a ct's existing NAT at one hook, and the step describing it (absent if unchanged). */
public record NatApplied(Packet packet, Optional<NatStep> step) {
    public NatApplied {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(step, "step");
    }
}
