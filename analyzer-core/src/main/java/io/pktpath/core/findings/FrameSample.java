package io.pktpath.core.findings;

import java.util.ArrayList;
import java.util.List;

/** A count of frames with the first few frame numbers kept as evidence, so memory stays bounded whatever the count. */
final class FrameSample {
    static final int KEEP = 8;

    private long count;
    private final List<Long> frames = new ArrayList<>();

    void add(long frame) {
        count++;
        if (frames.size() < KEEP) {
            frames.add(frame);
        }
    }

    long count() {
        return count;
    }

    List<Long> frames() {
        return List.copyOf(frames);
    }

    long first() {
        return frames.isEmpty() ? Long.MAX_VALUE : frames.get(0);
    }

    /** {@code 3 frames (3, 4, 5)} or {@code 12 frames (first: 3, 4, ...)}. */
    String describe() {
        String list = frames.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
        if (count == 1) {
            return "frame " + list;
        }
        return count + " frames (" + (count > frames.size() ? "first: " + list + ", ..." : list) + ")";
    }
}
