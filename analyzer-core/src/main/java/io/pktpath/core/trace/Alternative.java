package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One possible path of an undecided packet: its probability (1.0 split over the branches of random rules; for other
 * undecided matches each outcome is listed with probability NaN = unknown), its steps, NAT and disposition.
 */
public record Alternative(String choice, double probability, List<TraceStep> steps, Optional<NatChange> nat,
                          Disposition disposition, String reason) {
    public Alternative {
        Objects.requireNonNull(choice, "choice");
        steps = JoinedList.immutable(steps);
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(disposition, "disposition");
        reason = reason == null ? "" : reason;
    }
}
