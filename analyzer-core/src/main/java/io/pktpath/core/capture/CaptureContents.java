package io.pktpath.core.capture;

import java.util.List;
import java.util.Objects;

/**
 * All frames of a capture held in memory, with the read's summary.
 *
 * @param frames  delivered frames in file order
 * @param summary counters and issues of the read
 */
public record CaptureContents(List<CapturedFrame> frames, CaptureSummary summary) {
    public CaptureContents {
        frames = List.copyOf(frames);
        Objects.requireNonNull(summary, "summary");
    }
}
