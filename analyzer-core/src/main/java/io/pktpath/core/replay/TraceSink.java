package io.pktpath.core.replay;

import io.pktpath.core.trace.PacketTrace;

/** Receives each frame's trace in frame order, exactly once per frame. */
@FunctionalInterface
public interface TraceSink {
    void accept(PacketTrace trace);
}
