package io.pktpath.core.bench.jmh;

import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bench.PodTrafficCaptureGenerator;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** JMH: reading and decoding a 200,000-frame pod-traffic capture (Linux cooked v2); the score is per frame. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CaptureReadBench {
    static final int FRAMES = 200_000;

    private Path file;

    @Setup
    public void write() throws IOException {
        file = Files.createTempFile("pktpath-jmh-read", ".pcap");
        PodTrafficCaptureGenerator.write(file, KubeCluster.generate(1000, BenchBundle.DEFAULT_SEED), FRAMES, 1);
    }

    @TearDown
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long readAndDecode() {
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        long[] sum = {0};
        CaptureReader.open(file).read(f -> {
            decoder.decode(f, view);
            sum[0] += view.dstPort() + view.src4();
        });
        return sum[0];
    }
}
