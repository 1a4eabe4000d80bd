package io.pktpath.core.replay;

import io.pktpath.core.trace.Tuple;
import java.util.Objects;

/** Where and how a packet leaves the node according to a replayed path: the output device and the tuple on the wire. */
public record Egress(String dev, Tuple tuple) {
    public Egress {
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(tuple, "tuple");
    }
}
