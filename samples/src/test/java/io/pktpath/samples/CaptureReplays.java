package io.pktpath.samples;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replays of a recording's capture, or of part of it, and the key that finds a frame's twin between two of them. */
final class CaptureReplays {
    private CaptureReplays() {
    }

    /** Every frame's trace of {@code capture} replayed through {@code bundle}'s node, in order. */
    static List<PacketTrace> replay(Bundle bundle, Path capture) {
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(bundle, Optional.of(capture), AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        org.junit.jupiter.api.Assertions.assertFalse(traces.isEmpty(), capture.toString());
        return traces;
    }

    /** What one captured frame is in any capture holding it: its time, interface, direction and packet. */
    static String twinKey(PacketTrace t) {
        return t.packet().timeNanos() + " " + t.packet().iface() + " " + t.packet().dir() + " " + t.packet().info();
    }
}
