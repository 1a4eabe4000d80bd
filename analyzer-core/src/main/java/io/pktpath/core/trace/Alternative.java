package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One possible path of an undecided packet: its probability (1.0 split over the branches of random rules; for other
 * undecided matches each outcome is listed with probability NaN = unknown), its steps, NAT and disposition.
 */
public record Alternative(String choice, double probability, List<TraceStep> steps, Optional<NatChange> nat,
                          Disposition disposition, ReasonText reasonText) {
    private static final ReasonText NONE = ReasonText.of("");

    public Alternative {
        Objects.requireNonNull(choice, "choice");
        steps = JoinedList.immutable(steps);
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(disposition, "disposition");
        reasonText = reasonText == null ? NONE : reasonText;
    }

    /** An alternative whose sentence is given as text (none: empty). */
    public Alternative(String choice, double probability, List<TraceStep> steps, Optional<NatChange> nat,
                       Disposition disposition, String reason) {
        this(choice, probability, steps, nat, disposition, ReasonText.of(reason == null ? "" : reason));
    }

    /** The sentence a person reads for this alternative's disposition. */
    public String reason() {
        return reasonText.toString();
    }
}
