package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finding a packet's egress copy through the lookahead's index of packet identities changes nothing a user can see:
 * on every kernel recording and every (partly malformed) public capture, the traces, flows and findings are those of
 * a search reading every frame of the window.
 */
class LookaheadEquivalenceTest {
    static List<Path> bundles() {
        return RecordedBundles.all();
    }

    static List<Path> peerCaptures() throws IOException {
        return FrameAccountingTest.peerCaptures();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void theIndexChangesNothingOnKernelRecordings(Path dir) throws IOException {
        assertSame(BundleLoader.loadDirectory(dir), Optional.empty(), dir.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peerCaptures")
    void theIndexChangesNothingOnPublicCaptures(Path capture) throws IOException {
        Bundle node = BundleLoader.loadDirectory(RecordedBundles.bundlesDir().resolve("clusterip-tcp"));
        assertSame(node, Optional.of(capture), capture.toString());
    }

    private static void assertSame(Bundle bundle, Optional<Path> capture, String what) {
        Run scanned = run(bundle, capture, false);
        Run indexed = run(bundle, capture, true);
        assertEquals(scanned.traces, indexed.traces, what + ": traces");
        assertEquals(scanned.result.flows(), indexed.result.flows(), what + ": flows");
        assertEquals(scanned.result.findings(), indexed.result.findings(), what + ": findings");
    }

    private record Run(AnalysisResult result, List<PacketTrace> traces) {
    }

    private static Run run(Bundle bundle, Optional<Path> capture, boolean indexed) {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisOptions options = new AnalysisOptions(AnalysisOptions.DEFAULT.replay().withIndexedLookahead(indexed), "",
                null);
        AnalysisResult result = Analyzer.analyze(bundle, capture, options, traces::add, n -> { }, () -> false);
        return new Run(result, traces);
    }
}
