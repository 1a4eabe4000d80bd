package io.pktpath.core.trace;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list of one frame number, kept as a primitive: the {@link PacketTrace#correlated} of most frames
 * (a packet's egress copy, or its copy's original), which {@code List.of(frame)} would hold as a list and a boxed
 * number (48 bytes instead of 24, for about every frame of a node's capture).
 */
public final class OneFrame extends AbstractList<Long> implements RandomAccess {
    private final long frame;

    private OneFrame(long frame) {
        this.frame = frame;
    }

    /** The list holding {@code frame} alone. */
    public static OneFrame of(long frame) {
        return new OneFrame(frame);
    }

    /** The frame number, unboxed. */
    public long frame() {
        return frame;
    }

    @Override
    public Long get(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException("index " + index + " of a list of one frame");
        }
        return frame;
    }

    @Override
    public int size() {
        return 1;
    }
}
