package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.SourceSpan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One {@code add} line of {@code ipset save}: the element per dimension and the entry options. */
public record SetEntry(List<SetElement> elements, boolean nomatch, Optional<Long> timeout, Optional<String> comment,
                       Optional<Long> packets, Optional<Long> bytes, SourceSpan span) {
    public SetEntry {
        elements = List.copyOf(elements);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(packets, "packets");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(span, "span");
    }
}
