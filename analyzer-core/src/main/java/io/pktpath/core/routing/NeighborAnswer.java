package io.pktpath.core.routing;

import io.pktpath.core.trace.NeighborStep;
import java.util.Objects;

/**
 * A next hop's neighbour answer with the POSTROUTING trace step a packet resolving it gets, made once per next hop and
 * device: every walk that resolves the next hop adds the same step instead of a new one.
 */
public record NeighborAnswer(NeighborResult result, NeighborStep step) {
    public NeighborAnswer {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(step, "step");
    }
}
