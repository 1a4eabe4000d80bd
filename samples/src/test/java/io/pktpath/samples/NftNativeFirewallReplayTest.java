package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.findings.FindingSeverity;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.verify.Difference;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.InputKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-native-firewall replayed: the kernel dropped the SYNs to 8081 in the native chain inet pkp_fw input
 * (nft-trace.txt, trace.txt), after iptables' filter INPUT accepted them. pktpath, which replays iptables' tables only,
 * delivers them, and says so: NFT_NATIVE_CHAINS names the chain, its drop rule and those frames, and verify calls each
 * of them a difference of a native chain. The ip6tables-nft tables of bundles/ipv6-dnat-masq are iptables' own.
 */
class NftNativeFirewallReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-native-firewall");

    private static List<Finding> findings(Bundle bundle) {
        return Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false)
                .findings();
    }

    @Test
    void theDroppedSynsAreReplayedAsDeliveredAndTheFindingNamesTheNativeChainAndThem() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertTrue(bundle.has(InputKind.NFT_RULESET));
        assertEquals("nft-ruleset.txt", bundle.nftRuleset().orElseThrow().file());
        List<PacketTrace> traces = CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
        List<PacketTrace> syns = traces.stream().filter(t -> t.packet().info().contains("> 172.18.0.2:8081 [S]")).toList();
        assertEquals(List.of(13L, 14L, 15L), syns.stream().map(t -> t.packet().frame()).toList());
        syns.forEach(t -> assertEquals(Disposition.DELIVERED_LOCALLY, t.disposition(), "iptables alone accepts it"));

        List<Finding> nft = findings(bundle).stream().filter(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)).toList();
        assertEquals(1, nft.size());
        Finding f = nft.get(0);
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals("The node has native nftables base chains pktpath does not replay: inet pkp_fw input (drop)", f.title());
        assertTrue(f.frames().containsAll(List.of(13L, 14L, 15L)), f.frames().toString());
        assertTrue(f.rules().get(0).startsWith("nft-ruleset.txt:29 inet pkp_fw input: tcp dport 8081 counter packets "),
                f.rules().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("of them, 3 frames (13, 14, 15) to TCP port 8081, "
                + "which the native rule `tcp dport 8081 ")), f.evidence().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("input: 8 frames (3, 5, 6, 9, 11, 13, 14, 15) of the "
                + "replay were delivered locally (input): inet pkp_fw input (at priority filter + 10) may have dropped")),
                f.evidence().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("inet pkp_fw output (nft-ruleset.txt:32): type filter "
                + "hook output priority filter + 10 (10), policy accept, 1 rule") && e.endsWith("only accepts or counts "
                + "(policy accept, no drop, reject or NAT statement)")), f.evidence().toString());
    }

    @Test
    void everyFrameThatPassedTheDroppingChainsHookSaysSoAndTheAssumptionsNameTheChains() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        java.util.List<PacketTrace> traces = new java.util.ArrayList<>();
        List<String> assumptions = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add,
                n -> { }, () -> false).assumptions();
        assertTrue(assumptions.contains("the native nftables base chains of nft-ruleset.txt (inet pkp_fw input, inet "
                + "pkp_fw output) are not replayed: every verdict comes from iptables' tables alone (NFT_NATIVE_CHAINS)"),
                assumptions.toString());
        PacketTrace syn = traces.stream().filter(t -> t.packet().frame() == 13).findFirst().orElseThrow();
        assertEquals(List.of("not replayed: the native nftables rule `tcp dport 8081 counter packets 3 bytes 180 drop` "
                + "(nft-ruleset.txt:29) of inet pkp_fw input (priority filter + 10) names this packet's port at input; the "
                + "kernel may have ended it there (NFT_NATIVE_CHAINS)"), syn.notes());
        PacketTrace open = traces.stream().filter(t -> t.packet().frame() == 3).findFirst().orElseThrow();
        assertEquals(List.of("not replayed: the native nftables chain inet pkp_fw input (priority filter + 10) at input "
                + "may have dropped this packet (NFT_NATIVE_CHAINS)"), open.notes());
        PacketTrace sent = traces.stream().filter(t -> t.packet().frame() == 4).findFirst().orElseThrow();
        assertEquals(List.of(), sent.notes(), "the output chain only counts");
        assertEquals(syn.notes(), Analyzer.traces(bundle, Optional.empty(), AnalysisOptions.DEFAULT, 13, 13, n -> { },
                () -> false).trace(13).orElseThrow().notes(), "explain's replay says it too");
    }

    @Test
    void verifyCallsTheNativeDropsDifferencesOfANativeChainAndComparesTheRest() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(13L, 14L, 15L), report.differences().stream().map(Difference::frame).toList());
        assertTrue(report.differences().stream().allMatch(d -> d.aspect().equals("native nftables chain")
                && d.kernel().equals("pkp_fw:input (rule text not printed by the kernel) => DROP")));
        assertEquals(report.compared() - 3, report.equal(), "every other packet agrees once native steps are left out");
        assertTrue(report.notes().stream().anyMatch(n -> n.endsWith("kernel steps in native nftables chains "
                + "(pkp_fw:input, pkp_fw:output) are left out of the comparison: pktpath replays iptables' tables only")),
                report.notes().toString());
    }

    @Test
    void ip6tablesNftTablesMakeNoFinding() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(RecordedBundles.bundlesDir().resolve("ipv6-dnat-masq"));
        assertTrue(bundle.nftRuleset().isPresent(), "nft-ruleset.txt is read");
        assertTrue(bundle.nftRuleset().get().nativeBaseChains().isEmpty());
        assertTrue(findings(bundle).stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)));
    }
}
