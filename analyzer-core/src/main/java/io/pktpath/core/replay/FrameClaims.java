package io.pktpath.core.replay;

import io.pktpath.core.trace.PacketTrace;
import java.util.HashMap;
import java.util.Map;

/**
 * The frames ahead that an earlier frame's trace already explains (its egress copy, bridge-port twins), by frame number:
 * a ring indexed by the frame number's low bits, since claimed frames are a short way ahead, with a map for the rare
 * claim whose ring slot is taken by another pending frame.
 */
final class FrameClaims {
    private final long[] frames;
    private final PacketTrace[] traces;
    private final Map<Long, PacketTrace> overflow = new HashMap<>();

    /** Room in the ring for about {@code span} consecutive frames. */
    FrameClaims(int span) {
        int size = Integer.highestOneBit(Math.max(16, span) * 2);
        this.frames = new long[size];
        this.traces = new PacketTrace[size];
    }

    private int slot(long frame) {
        return (int) (frame & (frames.length - 1));
    }

    void put(long frame, PacketTrace trace) {
        int i = slot(frame);
        if (traces[i] == null || frames[i] == frame) {
            frames[i] = frame;
            traces[i] = trace;
            if (!overflow.isEmpty()) {
                overflow.remove(frame);
            }
        } else {
            overflow.put(frame, trace);
        }
    }

    /** The trace that claimed {@code frame}, removed, or null. */
    PacketTrace remove(long frame) {
        int i = slot(frame);
        if (traces[i] != null && frames[i] == frame) {
            PacketTrace t = traces[i];
            traces[i] = null;
            return t;
        }
        return overflow.isEmpty() ? null : overflow.remove(frame);
    }

    boolean contains(long frame) {
        int i = slot(frame);
        return traces[i] != null && frames[i] == frame || !overflow.isEmpty() && overflow.containsKey(frame);
    }
}
