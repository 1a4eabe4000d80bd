package io.pktpath.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.OneInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which of a bundle's captures is replayed: the one showing the most of the node's interfaces, whatever its name; among
 * equals, the largest; among captures alike in both, the one named capture.pcap (a recorded bundle's node capture
 * beside a pod's capture of the same traffic).
 */
class MainCaptureTest {
    @Test
    void theCaptureOfMoreInterfacesWinsOverTheNamedOne(@TempDir Path dir) throws Exception {
        BenchBundle.write(dir, 100, 3_000, BenchBundle.DEFAULT_SEED);
        Path any = dir.resolve("node-any.pcap");
        Files.move(dir.resolve("capture.pcap"), any);
        OneInterface.keep(any, dir.resolve("capture.pcap"), 2);
        assertEquals(any, Analyzer.mainCapture(new BundleOpener().open(dir).bundle()).orElseThrow());
    }

    @Test
    void amongCapturesAlikeTheNamedOneWins(@TempDir Path dir) throws Exception {
        BenchBundle.write(dir, 100, 3_000, BenchBundle.DEFAULT_SEED);
        Files.copy(dir.resolve("capture.pcap"), dir.resolve("a-copy.pcap"));
        Files.copy(dir.resolve("capture.pcap"), dir.resolve("z-copy.pcap"));
        assertEquals(dir.resolve("capture.pcap"),
                Analyzer.mainCapture(new BundleOpener().open(dir).bundle()).orElseThrow());
    }
}
