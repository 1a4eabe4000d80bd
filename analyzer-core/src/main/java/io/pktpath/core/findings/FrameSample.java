package io.pktpath.core.findings;

import java.util.ArrayList;
import java.util.List;

/** A count of frames with the first few frame numbers kept as evidence, so memory stays bounded whatever the count. */
final class FrameSample {
    static final int KEEP = 8;

    private long count;
    private long[] frames = new long[1];

    void add(long frame) {
        if (count < KEEP) {
            if (count == frames.length) {
                frames = java.util.Arrays.copyOf(frames, Math.min(KEEP, frames.length * 2));
            }
            frames[(int) count] = frame;
        }
        count++;
    }

    /** Forgets every frame (keeping the room allocated for them). */
    void clear() {
        count = 0;
    }

    private int kept() {
        return (int) Math.min(count, KEEP);
    }

    long count() {
        return count;
    }

    List<Long> frames() {
        List<Long> out = new ArrayList<>(kept());
        for (int i = 0; i < kept(); i++) {
            out.add(frames[i]);
        }
        return List.copyOf(out);
    }

    long first() {
        return count == 0 ? Long.MAX_VALUE : frames[0];
    }

    /** {@code 3 frames (3, 4, 5)} or {@code 12 frames (first: 3, 4, ...)}. */
    String describe() {
        String list = frames().stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
        if (count == 1) {
            return "frame " + list;
        }
        return count + " frames (" + (count > kept() ? "first: " + list + ", ..." : list) + ")";
    }
}
