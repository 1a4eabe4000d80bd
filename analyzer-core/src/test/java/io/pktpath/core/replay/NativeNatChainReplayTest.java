package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native nftables nat chains replayed on the recorded nft-kube-proxy node with its listing changed: the nat chains of a
 * hook run in priority order, iptables' nat table among them, until one maps (a chain after the one that mapped is not
 * walked), only for a connection's first packet; a nat chain with a rule outside the subset is left out and reported.
 */
class NativeNatChainReplayTest {
    @TempDir
    Path dir;

    private final List<PacketTrace> traces = new ArrayList<>();

    private static Path sample() {
        return SampleBundles.sample("nft-kube-proxy");
    }

    private AnalysisResult withListing(UnaryOperator<String> change) throws IOException {
        try (Stream<Path> files = Files.list(sample())) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("nft-")
                    && !p.getFileName().toString().equals("README.md")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("nft-ruleset.txt"),
                change.apply(Files.readString(sample().resolve("nft-ruleset.txt"))));
        return Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
    }

    private PacketTrace first(String info) {
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.packet().info().contains(info))
                .findFirst().orElseThrow();
    }

    /** The netfilter steps of a trace as {@code table chain VERDICT} (raw left out), and the PREROUTING hook's tables. */
    private static List<String> steps(PacketTrace t) {
        List<String> out = new ArrayList<>();
        for (TraceStep s : t.path()) {
            if (s instanceof HookStep h) {
                out.add(h.hook() + " " + h.tables());
            } else if (s instanceof RuleStep r && !r.rule().table().equals("raw")) {
                out.add(r.rule().table() + " " + r.rule().chain() + " " + r.verdict());
            } else if (s instanceof PolicyStep p && !p.table().equals("raw")) {
                out.add(p.table() + " " + p.chain() + " policy " + p.verdict());
            }
        }
        return out;
    }

    @Test
    void aNatChainAfterTheOneThatMappedIsNotWalked() throws IOException {
        withListing(s -> s.replace("type nat hook prerouting priority dstnat - 10;",
                "type nat hook prerouting priority dstnat + 10;"));
        PacketTrace syn = first("10.244.1.2:45010 > 10.96.0.10:80 [S]");
        List<String> s = steps(syn);
        assertTrue(s.contains("PREROUTING [raw, ip kube-proxy, nat, ip pkp-early]"), s.toString());
        assertTrue(s.contains("ip kube-proxy nat-prerouting JUMP:services"), "kube-proxy's chain (-100) maps: " + s);
        assertTrue(s.stream().noneMatch(x -> x.startsWith("ip pkp-early")), "pkp-early (-90) is never walked: " + s);
        assertEquals(2, syn.alternatives().size(), "kube-proxy's numgen draw decides the endpoint now");
    }

    @Test
    void aNatChainRunsAtTheNatCoresPriorityAfterAFilterChainOfAHigherNumber() throws IOException {
        // recorded on this kernel: a nat chain at -110 runs after a filter chain at -105, at the nat core's -100
        withListing(s -> s.replace("type filter hook prerouting priority dstnat - 10;",
                "type filter hook prerouting priority -105;"));
        List<String> s = steps(first("10.244.1.2:45010 > 10.96.0.10:80 [S]"));
        assertTrue(s.contains("PREROUTING [raw, ip kube-proxy, ip pkp-early, nat]"), s.toString());
        int filter = s.indexOf("ip kube-proxy filter-prerouting-pre-dnat policy POLICY:ACCEPT");
        int nat = s.indexOf("ip pkp-early pre ACCEPT");
        assertTrue(filter >= 0 && nat > filter, "the filter chain at -105 before the nat chain at -110: " + s);
    }

    @Test
    void onlyAConnectionsFirstPacketWalksTheNatChains() throws IOException {
        withListing(s -> s);
        PacketTrace syn = first("10.244.1.2:45010 > 10.96.0.10:80 [S]");
        assertTrue(steps(syn).contains("ip pkp-early pre ACCEPT"), steps(syn).toString());
        PacketTrace ack = first("10.244.1.2:45010 > 10.96.0.10:80 [.]");
        assertTrue(steps(ack).stream().noneMatch(x -> x.startsWith("ip pkp-early") || x.startsWith("nat ")
                || x.startsWith("ip kube-proxy nat-") || x.startsWith("ip kube-proxy services")), steps(ack).toString());
        assertEquals("10.244.1.3", ack.nat().orElseThrow().after().dst().toString(), "conntrack applies the binding");
    }

    @Test
    void aNatChainReachingARuleOutsideTheSubsetIsLeftOutAndReportedWhileTheOthersAreReplayed() throws IOException {
        AnalysisResult r = withListing(s -> s.replace("meta l4proto tcp dnat to 10.244.1.3:8080",
                "meta l4proto tcp dnat to 10.244.1.3:8080 persistent,fully-random meta length 60"));
        List<Finding> reported = r.findings().stream().filter(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)).toList();
        assertEquals(1, reported.size(), r.findings().toString());
        String evidence = String.join("\n", reported.get(0).evidence());
        assertTrue(evidence.contains("ip kube-proxy nat-prerouting") && evidence.contains("ip kube-proxy nat-output"),
                evidence);
        assertTrue(evidence.contains("'meta length 60' is not in the replayed subset"), evidence);
        assertFalse(evidence.contains("nat-postrouting;"), "nat-postrouting reaches no such rule: " + evidence);
        PacketTrace syn = first("10.244.1.2:45010 > 10.96.0.10:80 [S]");
        assertTrue(steps(syn).contains("ip pkp-early pre ACCEPT"), "the other table's nat chain still maps");
    }
}
