package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.Direction;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture decoded into memory and replayed on one thread (how the replay-only benchmark times the replay) gives
 * exactly the traces of the usual run with its reader thread, and may be replayed again against a fresh node.
 */
class DecodedCaptureTest {
    @TempDir
    static Path dir;
    static Bundle bundle;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, 12_000, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
    }

    private static CaptureReader reader(NodeNetwork net) {
        return CaptureReader.open(dir.resolve("capture.pcap"), net::interfaceName);
    }

    private static ReplayLoop freshLoop() {
        ReplayOptions options = AnalysisOptions.DEFAULT.replay();
        return new ReplayLoop(Analyzer.nodePath(bundle, Analyzer.network(bundle), options), options);
    }

    @Test
    void decodedFramesReplayToTheSameTracesAsARunWithItsReader() {
        NodeNetwork net = Analyzer.network(bundle);
        List<PacketTrace> streamed = new ArrayList<>();
        freshLoop().run(reader(net), new PacketConverter("", Direction.UNKNOWN), streamed::add, n -> { }, () -> false);

        DecodedCapture decoded = DecodedCapture.read(reader(net), new PacketConverter("", Direction.UNKNOWN));
        assertEquals(streamed.size(), decoded.size());
        assertEquals(streamed.size(), decoded.summary().framesDelivered());
        List<PacketTrace> first = new ArrayList<>();
        assertEquals(decoded.size(), freshLoop().replay(decoded, first::add));
        assertEquals(streamed, first);
        assertTrue(first.stream().anyMatch(t -> !t.alternatives().isEmpty()), "new connections to services met statistic rules");

        List<PacketTrace> again = new ArrayList<>();
        freshLoop().replay(decoded, again::add);
        assertEquals(first, again);
    }
}
