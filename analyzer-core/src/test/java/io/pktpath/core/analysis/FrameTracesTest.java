package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traces of a few frames ({@link Analyzer#traces}) are the ones the whole analysis gives those frames, and the
 * replay stops soon after the last frame asked instead of reading the rest of the capture.
 */
class FrameTracesTest {
    private static final int FRAMES = 12_000;
    @TempDir
    static Path dir;
    static Bundle bundle;
    static List<PacketTrace> all;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, FRAMES, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        all = traces;
        assertEquals(FRAMES, all.size());
    }

    private static FrameTraces traces(long from, long to) {
        return Analyzer.traces(bundle, Optional.empty(), AnalysisOptions.DEFAULT, from, to, n -> { }, () -> false);
    }

    @Test
    void aRunOfFramesInTheMiddleHasTheWholeAnalysisTracesAndStopsSoonAfter() {
        FrameTraces t = traces(5_000, 5_040);
        assertEquals(all.subList(4_999, 5_040), t.traces());
        assertEquals(all.get(5_019), t.trace(5_020).orElseThrow());
        assertTrue(t.trace(4_999).isEmpty(), "frames before the run are replayed, not kept");
        assertTrue(t.covers(5_000) && t.covers(5_040) && !t.covers(4_999) && !t.covers(5_041));
        assertFalse(t.complete(), "the replay stops after frame 5,040");
        assertTrue(t.framesSeen() >= 5_040 && t.framesSeen() <= 5_040 + 1_024, "stopped at " + t.framesSeen());
        assertTrue(t.capture().isPresent());
    }

    @Test
    void framesPastTheEndAreAbsentAndTheWholeCaptureIsCounted() {
        FrameTraces t = traces(FRAMES - 2, FRAMES + 5);
        assertEquals(all.subList(FRAMES - 3, FRAMES), t.traces());
        assertTrue(t.complete());
        assertEquals(FRAMES, t.framesSeen());
        assertEquals(FRAMES, t.capture().orElseThrow().framesDelivered());
        assertTrue(traces(FRAMES + 1, FRAMES + 1).trace(FRAMES + 1).isEmpty());
        assertTrue(t.covers(FRAMES + 5), "the whole capture was read: frames past its end have no trace to find");
    }

    @Test
    void theFirstFrameAndMissesForOneFrame() {
        assertEquals(all.get(0), traces(1, 1).traces().get(0));
        long frame = 3_001;
        PacketTrace withMisses = Analyzer.traces(bundle, Optional.empty(), AnalysisOptions.DEFAULT.withMissesFor(frame),
                frame, frame, n -> { }, () -> false).trace(frame).orElseThrow();
        assertEquals(all.get((int) frame - 1).path(), withMisses.path());
        assertEquals(all.get((int) frame - 1).disposition(), withMisses.disposition());
    }

    @Test
    void cancellingStopsTheReplayAndProgressCountsTheFramesReplayed() {
        AtomicLong progress = new AtomicLong();
        FrameTraces t = Analyzer.traces(bundle, Optional.empty(), AnalysisOptions.DEFAULT, 10_000, 10_000,
                progress::set, () -> true);
        assertFalse(t.complete());
        assertTrue(t.traces().isEmpty(), "cancelled at the first check, long before frame 10,000");
        assertFalse(t.covers(10_000), "a cancelled replay does not cover frames it did not reach");
        assertEquals(1_024, progress.get());
    }

    @Test
    void anEmptyOrBackwardRunIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> traces(0, 3));
        assertThrows(IllegalArgumentException.class, () -> traces(9, 8));
    }
}
