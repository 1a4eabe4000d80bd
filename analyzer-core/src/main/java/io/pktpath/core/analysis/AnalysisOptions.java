package io.pktpath.core.analysis;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.replay.ReplayOptions;
import java.util.Objects;

/**
 * How to analyze: the replay options (misses, branch limit, lookahead), and the capture interface and direction to
 * assume for captures that do not record them (empty / UNKNOWN: use what the capture says).
 */
public record AnalysisOptions(ReplayOptions replay, String captureIface, Direction captureDirection) {
    public static final AnalysisOptions DEFAULT = new AnalysisOptions(ReplayOptions.DEFAULT, "", Direction.UNKNOWN);

    public AnalysisOptions {
        Objects.requireNonNull(replay, "replay");
        captureIface = captureIface == null ? "" : captureIface;
        captureDirection = captureDirection == null ? Direction.UNKNOWN : captureDirection;
    }

    public AnalysisOptions withMisses(boolean misses) {
        return new AnalysisOptions(replay.withMisses(misses), captureIface, captureDirection);
    }

    /** The same options recording the rules that did not match for frame {@code frame} only. */
    public AnalysisOptions withMissesFor(long frame) {
        return new AnalysisOptions(replay.withMissesFor(frame), captureIface, captureDirection);
    }
}
