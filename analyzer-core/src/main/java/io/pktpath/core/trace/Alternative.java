package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One possible path of an undecided packet: its probability (1.0 split over the branches of random rules; for other
 * undecided matches each outcome is listed with probability NaN = unknown), its steps, NAT and disposition.
 */
public record Alternative(DeferredText choiceText, double probability, List<TraceStep> steps, Optional<NatChange> nat,
                          Disposition disposition, DeferredText reasonText) {
    private static final DeferredText NONE = DeferredText.of("");

    public Alternative {
        Objects.requireNonNull(choiceText, "choiceText");
        steps = JoinedList.immutable(steps);
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(disposition, "disposition");
        reasonText = reasonText == null ? NONE : reasonText;
    }

    /** An alternative whose sentence is given as text (none: empty). */
    public Alternative(String choice, double probability, List<TraceStep> steps, Optional<NatChange> nat,
                       Disposition disposition, String reason) {
        this(DeferredText.of(choice), probability, steps, nat, disposition, DeferredText.of(reason == null ? "" : reason));
    }

    /** The choices that lead to this alternative ({@code nat KUBE-SVC-X #2: no match; ...}). */
    public String choice() {
        return choiceText.toString();
    }

    /** The sentence a person reads for this alternative's disposition. */
    public String reason() {
        return reasonText.toString();
    }
}
