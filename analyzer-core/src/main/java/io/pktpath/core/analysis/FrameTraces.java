package io.pktpath.core.analysis;

import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The traces of a run of consecutive frames of a capture, replayed from its first frame but kept only for the frames
 * asked ({@link Analyzer#traces}), in frame order, with how far the replay went and the capture's reading summary.
 *
 * @param from       the first frame asked (1-based)
 * @param to         the last frame asked
 * @param traces     the traces of the frames of {@code from..to} the capture has, in frame order
 * @param framesSeen the frames the replay went through: the capture's length when it stopped at the end
 * @param complete   true if the replay read the whole capture (then {@code framesSeen} is its frame count)
 * @param capture    what reading the capture found (frames, issues), empty without a capture; a replay stopped before
 *                   the end reports no frames and no issues
 */
public record FrameTraces(long from, long to, List<PacketTrace> traces, long framesSeen, boolean complete,
                          Optional<CaptureSummary> capture) {
    public FrameTraces {
        traces = List.copyOf(traces);
        Objects.requireNonNull(capture, "capture");
    }

    /**
     * True if {@code frame} is one of the frames asked and the replay got to it (a cancelled replay covers only the
     * frames before it stopped): then {@link #trace} has its trace if the capture has the frame.
     */
    public boolean covers(long frame) {
        return frame >= from && frame <= to && (complete || frame <= framesSeen);
    }

    /** The trace of {@code frame}, if it was asked and the capture has it. */
    public Optional<PacketTrace> trace(long frame) {
        return find(traces, frame);
    }

    /** The trace of {@code frame} among {@code inFrameOrder} (traces in increasing frame order), by binary search. */
    public static Optional<PacketTrace> find(List<PacketTrace> inFrameOrder, long frame) {
        int lo = 0;
        int hi = inFrameOrder.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long f = inFrameOrder.get(mid).packet().frame();
            if (f < frame) {
                lo = mid + 1;
            } else if (f > frame) {
                hi = mid - 1;
            } else {
                return Optional.of(inFrameOrder.get(mid));
            }
        }
        return Optional.empty();
    }
}
