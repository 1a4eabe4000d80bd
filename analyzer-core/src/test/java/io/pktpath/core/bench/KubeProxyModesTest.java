package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.NatMapping;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.trace.Disposition;
import io.pktpath.parser.bundle.BundleLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same cluster and the same pod traffic replayed against kube-proxy's iptables mode and its nftables mode: every
 * frame gets the same disposition, every connection the same NAT (the endpoint the capture shows, from the statistic
 * rules or from numgen), and every flow the same tuples; only the rules the traces name differ.
 */
class KubeProxyModesTest {
    @TempDir
    static Path dir;

    @Test
    void bothModesForwardEveryPacketToTheSameEndpoints() throws Exception {
        Path iptables = dir.resolve("iptables");
        Path nft = dir.resolve("nft");
        BenchBundle.write(iptables, 150, 12_000, BenchBundle.DEFAULT_SEED);
        BenchBundle.writeText(nft, 150, BenchBundle.DEFAULT_SEED, true);
        Files.copy(iptables.resolve("capture.pcap"), nft.resolve("capture.pcap"));
        AnalysisResult a = analyze(iptables);
        AnalysisResult b = analyze(nft);
        assertEquals(Map.of(Disposition.FORWARDED, 12_000L), a.summary().dispositions());
        assertEquals(a.summary().dispositions(), b.summary().dispositions());
        assertEquals(a.summary().roles(), b.summary().roles());
        List<NatMapping> natA = a.summary().natMappings();
        assertTrue(natA.size() > 50, "NAT mappings: " + natA.size());
        assertEquals(natA, b.summary().natMappings());
        assertEquals(tuples(a.flows()), tuples(b.flows()));
        assertEquals(List.of(), b.findings().stream().map(f -> f.code()).filter(c -> c.startsWith("NFT")).toList());
    }

    private static AnalysisResult analyze(Path bundle) throws Exception {
        return Analyzer.analyze(BundleLoader.loadDirectory(bundle), Optional.empty(), AnalysisOptions.DEFAULT, t -> { },
                n -> { }, () -> false);
    }

    private static List<String> tuples(List<FlowRecord> flows) {
        return flows.stream().map(f -> f.original() + " / " + f.reply() + " " + f.state()).toList();
    }
}
