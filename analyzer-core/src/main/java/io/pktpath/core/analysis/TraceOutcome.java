package io.pktpath.core.analysis;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.TraceStep;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One possible path of a synthetic packet: its probability (NaN when an undecidable match split it), the choices that
 * lead to it, the disposition and reason, every step, the NAT, whether a masquerade/SNAT rule applied, and the route.
 */
public record TraceOutcome(double probability, String choice, Disposition disposition, String reason,
                           List<TraceStep> steps, Optional<NatChange> nat, boolean masquerade,
                           Optional<RouteDecision> route, List<String> notes) {
    public TraceOutcome {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
        steps = List.copyOf(steps);
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(route, "route");
        notes = List.copyOf(notes);
    }
}
