package io.pktpath.core.bench.jmh;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bench.BenchPackets;
import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.NodeInputs;
import io.pktpath.parser.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the replay. {@code fullAnalysis}: a 100,000-frame pod-traffic capture analyzed end to end (traces, summary,
 * flows, hits), score per frame; {@code firstPacket}: a new connection's first packet through every hook of the node
 * (no commit), score per packet.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class ReplayBench {
    static final int FRAMES = 100_000;
    static final int PACKETS = 1024;

    @Param({"100", "1000", "10000", "30000"})
    public int services;

    private Bundle bundle;
    private Path capture;
    private KernelNodePath path;
    private Packet[] packets;

    @Setup
    public void build() throws IOException, BundleOpenException {
        Path dir = Files.createTempDirectory("pktpath-jmh-replay");
        KubeCluster cluster = BenchBundle.write(dir, services, FRAMES, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
        capture = dir.resolve("capture.pcap");
        path = new KernelNodePath(NodeInputs.of(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())));
        packets = BenchPackets.firstPackets(cluster, PACKETS, 5);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long fullAnalysis() {
        long[] n = {0};
        Analyzer.analyze(bundle, Optional.of(capture), AnalysisOptions.DEFAULT, t -> n[0] += t.path().size(), x -> { },
                () -> false);
        return n[0];
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int firstPacket() {
        int steps = 0;
        for (Packet p : packets) {
            steps += path.ingress(p, ChoiceOracle.FIRST, false).steps().size();
        }
        return steps;
    }
}
