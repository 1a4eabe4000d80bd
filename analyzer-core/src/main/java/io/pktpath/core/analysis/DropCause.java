package io.pktpath.core.analysis;

import io.pktpath.core.trace.Disposition;
import java.util.List;
import java.util.Objects;

/**
 * A group of failed packets with one cause: the disposition, what was responsible (a rule with its location, a chain
 * policy, a route, a check), how many frames, and the first few frame numbers as evidence.
 */
public record DropCause(Disposition disposition, String responsible, String location, long count, List<Long> frames) {
    public DropCause {
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(responsible, "responsible");
        Objects.requireNonNull(location, "location");
        frames = List.copyOf(frames);
    }
}
