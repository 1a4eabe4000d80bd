package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.util.Failures;
import java.util.function.Supplier;

/**
 * Hands out a frame source's frames in order, taking them {@value #GROUP} at a time and reading, one frame after
 * another, what the replay reads first of each (summary, packet, addresses, and for a received packet its conntrack
 * entry through {@link NodePath#warm}): those objects have left the core's caches, and the loads of several frames
 * overlap in memory instead of each frame stalling the replay in turn. Nothing is changed by the reads. A failure of
 * the source is raised only after the frames read before it were handed out, as the source itself would.
 */
final class FrameGroups {
    /** Frames taken from the source at a time. */
    static final int GROUP = 32;

    private final Supplier<CapturedPacket> source;
    private final NodePath path;
    private final CapturedPacket[] group = new CapturedPacket[GROUP];
    /** The received packets of the group being warmed (emptied after each warming). */
    private final Packet[] received = new Packet[GROUP];
    private int next;
    private int size;
    private boolean ended;
    /** What the source threw (a RuntimeException or an Error), raised once the frames before it are handed out. */
    private Throwable failure;
    /** What the reads of a group add up to, kept so that the compiler keeps the reads. */
    private long touched;

    /**
     * Frames of {@code source}, which returns null at the end (and is not asked again after that), warmed for the
     * replay against {@code path} (null: frames only).
     */
    FrameGroups(Supplier<CapturedPacket> source, NodePath path) {
        this.source = source;
        this.path = path;
    }

    /** The next frame in capture order, or null at the end. */
    CapturedPacket next() {
        if (next == size) {
            refill();
        }
        if (next == size) {
            if (failure != null) {
                Throwable f = failure;
                failure = null;
                Failures.throwIfUnchecked(f);
            }
            return null;
        }
        CapturedPacket cp = group[next];
        group[next++] = null;
        return cp;
    }

    private void refill() {
        next = 0;
        size = 0;
        while (size < GROUP && !ended) {
            CapturedPacket cp;
            try {
                cp = source.get();
            } catch (RuntimeException | Error e) {
                failure = e;
                ended = true;
                break;
            }
            if (cp == null) {
                ended = true;
            } else {
                group[size++] = cp;
            }
        }
        long sum = touched;
        int count = 0;
        for (int i = 0; i < size; i++) {
            CapturedPacket cp = group[i];
            sum += touch(cp);
            if (path != null && cp.hasPacket() && cp.inbound()) {
                received[count++] = cp.ipPacket();
            }
        }
        if (count > 0) {
            sum += path.warm(received, count);
            java.util.Arrays.fill(received, 0, count, null);
        }
        touched = sum;
    }

    /** Reads the fields of {@code cp} the replay reads first (each frame's loads depend on no other frame's). */
    private static long touch(CapturedPacket cp) {
        PacketSummary s = cp.summary();
        long sum = s.timeNanos() + cp.payloadHash();
        if (cp.hasPacket()) {
            Packet p = cp.ipPacket();
            sum += p.proto() + p.src().lo() + p.dst().lo() + p.sport();
        }
        return sum;
    }
}
