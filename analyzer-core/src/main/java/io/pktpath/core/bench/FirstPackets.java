package io.pktpath.core.bench;

import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.NodeInputs;
import io.pktpath.parser.bundle.Bundle;
import java.util.Arrays;

/**
 * Times new connections' first packets through a node (every hook, conntrack lookup, routing, first branch, nothing
 * committed) in rounds of CPU time per packet, for {@link EndToEndBench} and {@link FirstPacketGrowthBench}.
 */
final class FirstPackets {
    /** Where the timed loops leave what they computed, so that the compiler cannot leave the work out. */
    static volatile long consumed;

    private final KernelNodePath path;
    private final Packet[] packets;

    FirstPackets(Bundle bundle, Packet[] packets) {
        // the node's native nftables chains too (kube-proxy's nftables mode; none without an nft ruleset)
        this.path = new KernelNodePath(NodeInputs.of(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())).withNativeChains(bundle.nftReplay()));
        this.packets = packets;
    }

    /** One round: every packet through the node once; the thread's CPU nanoseconds per packet. */
    long round() {
        long sink = 0;
        long t0 = RunStats.threadCpuNanos();
        for (Packet p : packets) {
            sink += path.ingress(p, ChoiceOracle.FIRST, false).steps().size();
        }
        long ns = (RunStats.threadCpuNanos() - t0) / packets.length;
        consumed += sink;
        return ns;
    }

    /** The steps of the first packet's path (the same for every packet of these workloads). */
    int steps() {
        return path.ingress(packets[0], ChoiceOracle.FIRST, false).steps().size();
    }

    /** The median of ratios, as {@link ParseBench#median} takes it of times (the order of {@code values} is kept). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
