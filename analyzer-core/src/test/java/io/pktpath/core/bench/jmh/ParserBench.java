package io.pktpath.core.bench.jmh;

import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bench.KubeCluster;
import io.pktpath.core.bench.KubeProxyRulesetGenerator;
import io.pktpath.parser.iptables.IptablesSaveParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** JMH: parsing a kube-proxy {@code iptables-save} of 100 to 30,000 services. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ParserBench {
    @Param({"100", "1000", "10000", "30000"})
    public int services;

    private String text;

    @Setup
    public void generate() {
        text = KubeProxyRulesetGenerator.generate(KubeCluster.generate(services, BenchBundle.DEFAULT_SEED));
    }

    @Benchmark
    public Object parse() {
        return IptablesSaveParser.parse("iptables-save.txt", text);
    }
}
