package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The endpoint draw of a replayed first packet is named in the words of the rules the node has: kube-proxy's nftables
 * mode ({@code numgen random mod 2 vmap { ... }}, samples/bundles/nft-kube-proxy) reads {@code numgen 0 -> goto ...},
 * its iptables mode ({@code -m statistic}, samples/bundles/clusterip-tcp) still {@code match (p=...)}, with the same
 * probabilities.
 */
class NumgenBranchLabelsTest {
    /** The first packet entering the node whose path the capture could not decide alone. */
    private static PacketTrace firstUndecided(String sample) throws IOException {
        Path dir = SampleBundles.sample(sample);
        List<PacketTrace> traces = new ArrayList<>();
        Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS && !t.alternatives().isEmpty())
                .findFirst().orElseThrow();
    }

    private static List<String> draws(PacketTrace t) {
        return t.path().stream().filter(UndecidedStep.class::isInstance).map(s -> ((UndecidedStep) s).reason()).toList();
    }

    @Test
    void anNftNodesDrawReadsAsNumgen() throws IOException {
        PacketTrace syn = firstUndecided("nft-kube-proxy");
        String rule = "ip kube-proxy service-OSC5D42R-default/web/tcp/http #2: ";
        assertEquals(List.of(rule + "numgen 0 -> goto endpoint-NQEKUQVR-default/web/tcp/http__10.244.1.3/8080"
                        + " (p=0.50000000000)", rule + "numgen != 0"),
                syn.alternatives().stream().map(Alternative::choice).toList());
        assertEquals(List.of(0.5, 0.5), syn.alternatives().stream().map(Alternative::probability).toList());
        assertEquals(List.of("numgen random mod 2"), draws(syn));
    }

    @Test
    void anIptablesNodesStatisticRuleStillReadsAsAMatch() throws IOException {
        PacketTrace syn = firstUndecided("clusterip-tcp");
        String svc = "nat KUBE-SVC-CDGGSHYLG3RE2FKL ";
        assertEquals(List.of(svc + "#2: match (p=0.33333333349)",
                        svc + "#2: no match; " + svc + "#3: match (p=0.50000000000)",
                        svc + "#2: no match; " + svc + "#3: no match"),
                syn.alternatives().stream().map(Alternative::choice).toList());
        assertEquals("-m statistic --mode random --probability 0.33333333349", draws(syn).get(0));
    }
}
