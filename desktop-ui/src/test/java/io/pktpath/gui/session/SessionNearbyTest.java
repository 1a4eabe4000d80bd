package io.pktpath.gui.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.trace.PacketTrace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that did not keep a frame's trace re-derives it once and keeps the frames around it, so that stepping
 * through neighbouring frames replays nothing more; a cancelled re-derivation answers nothing and spoils nothing.
 */
class SessionNearbyTest {
    private static final int FRAMES = 6_000;
    @TempDir
    static Path dir;
    static List<PacketTrace> whole;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, FRAMES, BenchBundle.DEFAULT_SEED);
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(io.pktpath.parser.bundle.BundleLoader.loadDirectory(dir), Optional.empty(),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        whole = traces;
    }

    /** A session keeping only the first 50 traces and 50 more that failed or were rewritten. */
    private static Session small() throws Exception {
        return new SessionLoader(AnalysisOptions.DEFAULT, 50).load(SessionSource.of(dir), n -> { }, () -> false);
    }

    @Test
    void neighboursOfAReDerivedFrameNeedNoFurtherReplay() throws Exception {
        try (Session s = small()) {
            assertTrue(s.keptTrace(4_000).isEmpty() && s.keptTrace(4_001).isEmpty() && s.keptTrace(FRAMES).isEmpty());
            assertEquals(whole.get(3_999), s.trace(4_000).orElseThrow());
            assertEquals(1, s.replays());
            assertEquals(whole.get(4_000), s.trace(4_001).orElseThrow());
            assertEquals(whole.get(FRAMES - 1), s.trace(FRAMES).orElseThrow());
            assertEquals(whole.get(60), s.trace(61).orElseThrow());
            assertEquals(1, s.replays(), "frames within " + Session.NEARBY + " of frame 4,000 came from its replay");
        }
    }

    @Test
    void aCancelledReDerivationAnswersNothingAndTheNextOneWorks() throws Exception {
        try (Session s = small()) {
            assertTrue(s.trace(5_000, n -> { }, () -> true).isEmpty(), "cancelled after 1,024 frames");
            assertEquals(whole.get(4_999), s.trace(5_000).orElseThrow());
            assertEquals(2, s.replays());
        }
    }

    /**
     * A re-derivation cancelled after it reached the frame asked keeps only the frames it got to: a neighbour past
     * them is replayed again, not answered with nothing.
     */
    @Test
    void aReDerivationCancelledPastItsFrameCoversOnlyWhatItReplayed() throws Exception {
        try (Session s = small()) {
            long[] replayed = {0};
            assertEquals(whole.get(1_999), s.trace(2_000, n -> replayed[0] = n, () -> replayed[0] >= 3_072)
                    .orElseThrow());
            assertEquals(whole.get(2_999), s.trace(3_000).orElseThrow());
            assertEquals(1, s.replays());
            assertEquals(whole.get(4_999), s.trace(5_000).orElseThrow());
            assertEquals(2, s.replays());
        }
    }
}
