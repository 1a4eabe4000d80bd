package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.FrameTraces;
import io.pktpath.core.report.TraceJson;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the replay over every recorded bundle and every (partly malformed) public capture: no frame is ever
 * lost or duplicated (exactly one trace per input frame, in frame order) and replay is deterministic (two runs give
 * byte-identical JSONL).
 */
class FrameAccountingTest {
    private static final Path PEER_CAPTURES = Path.of("/work/shared/peer/captures");

    static List<Path> bundles() {
        return RecordedBundles.all();
    }

    static List<Path> peerCaptures() throws IOException {
        if (!Files.isDirectory(PEER_CAPTURES)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(PEER_CAPTURES)) {
            return files.filter(p -> !p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void everyFrameHasExactlyOneTraceInOrderAndReplayIsDeterministic(Path bundle) throws IOException {
        Path capture = bundle.resolve("capture.pcap");
        Run run = run(BundleLoader.loadDirectory(bundle), capture);
        long records = pcapRecords(capture);
        assertTrue(records > 0, bundle + ": capture.pcap has no records");
        assertEquals(records, run.result.capture().orElseThrow().framesDelivered(), bundle + ": frames read");
        assertConsecutive(run.traces, records, bundle.toString());
        Run again = run(BundleLoader.loadDirectory(bundle), capture);
        assertEquals(jsonl(run.traces), jsonl(again.traces), bundle + ": two replays differ");
    }

    /**
     * The summary and the findings read a trace's direction from its first conntrack lookup and its next hop from the
     * end of its path ({@link PacketTrace#firstConntrackStep}, {@link PacketTrace#neighborStep}), which is right only
     * while every lookup of a path (two for a packet the node sends itself over lo) sees the same direction and a path
     * holds at most one neighbor step.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void everyLookupOfAPathSeesOneDirectionAndAPathHasOneNextHop(Path bundle) throws IOException {
        Run run = run(BundleLoader.loadDirectory(bundle), bundle.resolve("capture.pcap"));
        for (PacketTrace t : run.traces) {
            String frame = bundle + " frame " + t.packet().frame();
            List<Boolean> directions = t.path().stream().filter(s -> s instanceof ConntrackStep)
                    .map(s -> ((ConntrackStep) s).reply()).distinct().toList();
            assertTrue(directions.size() <= 1, frame + ": lookups in both directions");
            assertEquals(directions.isEmpty(), t.firstConntrackStep() == null, frame);
            long neighbors = t.path().stream().filter(s -> s instanceof NeighborStep).count();
            assertTrue(neighbors <= 1, frame + ": " + neighbors + " neighbor steps");
            assertEquals(neighbors == 1, t.neighborStep() != null, frame);
        }
    }

    /**
     * A replay that records the rules that did not match for one frame gives that frame the trace a replay recording
     * them for every frame gives it, and every other frame the trace a replay recording none gives it: recording
     * misses changes no path, so a frame's misses can be found without paying for them on every frame.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void missesRecordedForOneFrameChangeNoOtherTrace(Path bundle) throws IOException {
        Bundle node = BundleLoader.loadDirectory(bundle);
        Path capture = bundle.resolve("capture.pcap");
        List<PacketTrace> none = run(node, capture, AnalysisOptions.DEFAULT).traces;
        List<PacketTrace> all = run(node, capture, AnalysisOptions.DEFAULT.withMisses(true)).traces;
        long[] withMisses = all.stream().filter(t -> !t.misses().isEmpty()).mapToLong(t -> t.packet().frame()).toArray();
        long frame = withMisses.length == 0 ? 1 : withMisses[withMisses.length / 2];
        List<PacketTrace> one = run(node, capture, AnalysisOptions.DEFAULT.withMissesFor(frame)).traces;
        assertEquals(none.size(), one.size(), bundle.toString());
        for (int i = 0; i < one.size(); i++) {
            PacketTrace expected = one.get(i).packet().frame() == frame ? all.get(i) : none.get(i);
            assertEquals(TraceJson.frame(expected, true).toString(), TraceJson.frame(one.get(i), true).toString(),
                    bundle + " frame " + one.get(i).packet().frame() + " (misses for frame " + frame + ")");
        }
    }

    /**
     * The traces of a few frames, replayed up to them alone ({@link Analyzer#traces}: how `explain` and the GUI find a
     * frame's trace), are the whole analysis's traces of those frames: the first, one in the middle with its
     * neighbours, the last, and none past the end.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void theTracesOfAFewFramesAreTheWholeAnalysis(Path bundle) throws IOException {
        Bundle node = BundleLoader.loadDirectory(bundle);
        Path capture = bundle.resolve("capture.pcap");
        List<PacketTrace> whole = run(node, capture).traces;
        int n = whole.size();
        int middle = (n + 1) / 2;
        long[][] runs = {{1, 1}, {Math.max(1, middle - 2), Math.min(n, middle + 2)}, {n, n + 3}};
        for (long[] r : runs) {
            FrameTraces some = Analyzer.traces(node, Optional.of(capture), AnalysisOptions.DEFAULT, r[0], r[1], x -> { },
                    () -> false);
            List<PacketTrace> expected = whole.subList((int) r[0] - 1, (int) Math.min(n, r[1]));
            assertEquals(jsonl(expected), jsonl(some.traces()), bundle + " frames " + r[0] + "-" + r[1]);
        }
        FrameTraces past = Analyzer.traces(node, Optional.of(capture), AnalysisOptions.DEFAULT, n + 1, n + 1, x -> { },
                () -> false);
        assertTrue(past.traces().isEmpty(), bundle.toString());
        assertEquals(n, past.framesSeen(), bundle + ": frames seen");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peerCaptures")
    void malformedCapturesLoseNoFrame(Path capture) throws IOException {
        Bundle node = BundleLoader.loadDirectory(RecordedBundles.bundlesDir().resolve("clusterip-tcp"));
        Run run = run(node, capture);
        long delivered = run.result.capture().map(c -> c.framesDelivered()).orElse(0L);
        assertConsecutive(run.traces, delivered, capture.toString());
    }

    @Test
    void peerCapturesArePresent() throws IOException {
        assertTrue(peerCaptures().size() >= 40, "peer captures: " + peerCaptures().size());
    }

    private record Run(AnalysisResult result, List<PacketTrace> traces) {
    }

    private static Run run(Bundle bundle, Path capture) {
        return run(bundle, capture, AnalysisOptions.DEFAULT);
    }

    private static Run run(Bundle bundle, Path capture, AnalysisOptions options) {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisResult result = Analyzer.analyze(bundle, Optional.of(capture), options, traces::add,
                n -> { }, () -> false);
        return new Run(result, traces);
    }

    private static void assertConsecutive(List<PacketTrace> traces, long frames, String what) {
        assertEquals(frames, traces.size(), what + ": traces vs frames");
        for (int i = 0; i < traces.size(); i++) {
            assertEquals(i + 1L, traces.get(i).packet().frame(), what + ": trace " + i);
        }
    }

    private static List<String> jsonl(List<PacketTrace> traces) {
        return traces.stream().map(t -> TraceJson.line(TraceJson.frame(t, false))).toList();
    }

    /** Counts the records of a classic pcap file by walking its record headers (independent of pktpath's reader). */
    static long pcapRecords(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        boolean little = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
        buf.order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long count = 0;
        int at = 24;
        while (at + 16 <= buf.limit()) {
            int included = buf.getInt(at + 8);
            if (included < 0 || at + 16 + included > buf.limit()) {
                break;
            }
            count++;
            at += 16 + included;
        }
        return count;
    }
}
