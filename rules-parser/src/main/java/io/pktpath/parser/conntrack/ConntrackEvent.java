package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.SourceSpan;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code conntrack -E}: the event type, the time {@code -o timestamp} printed (microseconds since the
 * epoch), the entry as {@code conntrack -L} would list it (timeout 0 when the event shows none), conntrack's entry id
 * ({@code -o id}), and whether a user-space program caused the event ({@code [USERSPACE] portid=N progname=X}).
 */
public record ConntrackEvent(ConntrackEventType type, Optional<Long> timestampMicros, ConntrackEntry entry,
                             Optional<Long> id, boolean timeoutShown, boolean userspace) {
    public ConntrackEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestampMicros, "timestampMicros");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(id, "id");
    }

    /** Where the event's line is: file and line number. */
    public SourceSpan span() {
        return entry.span();
    }

    /** {@code conntrack-events.txt:12}. */
    public String location() {
        return entry.span().file() + ":" + entry.span().line();
    }
}
