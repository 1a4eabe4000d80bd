package io.pktpath.core.bench.jmh;

import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bench.BenchPackets;
import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.netfilter.WalkContext;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * JMH: the nat PREROUTING walk of a new connection's first packet (KUBE-SERVICES → KUBE-SVC → KUBE-SEP, with trace
 * steps) over 100 to 30,000 services, with the chain index and with the kernel's linear scan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChainWalkBench {
    static final int PACKETS = 1024;

    @Param({"100", "1000", "10000", "30000"})
    public int services;
    @Param({"true", "false"})
    public boolean indexed;

    private CompiledRuleset rules;
    private NodeNetwork net;
    private Packet[] packets;
    private CtInfo[] cts;

    @Setup
    public void build() throws IOException, BundleOpenException {
        Path dir = Files.createTempDirectory("pktpath-jmh-walk");
        KubeCluster cluster = BenchBundle.writeText(dir, services, BenchBundle.DEFAULT_SEED);
        Bundle bundle = new BundleOpener().open(dir).bundle();
        rules = CompiledRuleset.compile(bundle.rulesetV4().orElseThrow(), indexed);
        net = Analyzer.network(bundle);
        packets = BenchPackets.firstPackets(cluster, PACKETS, 3);
        cts = new CtInfo[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            cts[i] = new CtInfo(CtState.NEW, false, 0, Set.of(), packets[i].tuple(), Optional.empty(), 0, 0, 0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int walkNatPrerouting() {
        int steps = 0;
        for (int i = 0; i < PACKETS; i++) {
            WalkContext ctx = new WalkContext(net, ChoiceOracle.FIRST, new RuleState(), new ArrayList<>(), false, List.of());
            rules.walk(Hook.PREROUTING, "nat", packets[i], Optional.of(cts[i]), ctx);
            steps += ctx.steps().size();
        }
        return steps;
    }
}
