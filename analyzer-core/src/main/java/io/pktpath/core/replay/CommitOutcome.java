package io.pktpath.core.replay;

import io.pktpath.core.trace.Disposition;
import java.util.List;
import java.util.Optional;

/** What committing a run revealed: a changed disposition (a conntrack insert clash that drops the packet) and notes. */
public record CommitOutcome(Optional<Disposition> disposition, String reason, List<String> notes) {
    public static final CommitOutcome NONE = new CommitOutcome(Optional.empty(), "", List.of());

    public CommitOutcome {
        notes = List.copyOf(notes);
        reason = reason == null ? "" : reason;
    }
}
