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
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
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
 * (nft-trace.txt, trace.txt: {@code filter:INPUT:policy:ACCEPT} then {@code pkp_fw:input:rule:0x3:DROP}), after
 * iptables' filter INPUT accepted them. pktpath replays that chain at its priority (filter + 10, after iptables' filter
 * INPUT), so it drops them there too, verify finds every packet equal (native steps compared on table, chain and
 * verdict) and the native rules' counters equal to nft's, and no NFT_NATIVE_CHAINS finding remains. The ip6tables-nft
 * tables of bundles/ipv6-dnat-masq are iptables' own.
 */
class NftNativeFirewallReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-native-firewall");

    private static List<Finding> findings(Bundle bundle) {
        return Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false)
                .findings();
    }

    @Test
    void theSynsTheNativeChainDroppedAreDroppedThereAfterIptablesFilterInput() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertTrue(bundle.has(InputKind.NFT_RULESET));
        assertEquals("nft-ruleset.txt", bundle.nftRuleset().orElseThrow().file());
        List<PacketTrace> traces = CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
        List<PacketTrace> syns = traces.stream().filter(t -> t.packet().info().contains("> 172.18.0.2:8081 [S]")).toList();
        assertEquals(List.of(13L, 14L, 15L), syns.stream().map(t -> t.packet().frame()).toList());
        for (PacketTrace t : syns) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition());
            assertEquals("dropped by inet pkp_fw input rule 1 (nft-ruleset.txt:29): tcp dport 8081 counter packets 3 "
                    + "bytes 180 drop", t.reason());
            List<String> input = t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().table() + ":"
                    + r.rule().chain() + " " + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " "
                    + p.verdict() : "").filter(s -> !s.startsWith("raw:")).toList();
            assertEquals(List.of("filter:INPUT POLICY:ACCEPT", "inet pkp_fw:input DROP"), input, "the kernel's order");
        }
        List<Finding> all = findings(bundle);
        assertTrue(all.stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)), all.toString());
        Finding drop = all.stream().filter(f -> f.code().equals("DROP_RULE")).findFirst().orElseThrow();
        assertEquals(List.of(13L, 14L, 15L), drop.frames());
    }

    @Test
    void theAssumptionsNameTheReplayedChainsAndNoFrameCarriesANotReplayedNote() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        java.util.List<PacketTrace> traces = new java.util.ArrayList<>();
        List<String> assumptions = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add,
                n -> { }, () -> false).assumptions();
        assertTrue(assumptions.contains("the native nftables filter chains of nft-ruleset.txt (inet pkp_fw input, inet "
                + "pkp_fw output) are replayed at their priorities among iptables' tables"), assumptions.toString());
        assertTrue(traces.stream().allMatch(t -> t.notes().stream().noneMatch(n -> n.startsWith("not replayed"))));
        PacketTrace syn = traces.stream().filter(t -> t.packet().frame() == 13).findFirst().orElseThrow();
        PacketTrace explained = Analyzer.traces(bundle, Optional.empty(), AnalysisOptions.DEFAULT, 13, 13, n -> { },
                () -> false).trace(13).orElseThrow();
        assertEquals(syn.path(), explained.path(), "explain's replay walks the native chain too");
    }

    @Test
    void verifyFindsEveryPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(13, report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(10, report.hitsCompared(), "8 iptables counters and the 2 native rules' counters");
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.notes().stream().noneMatch(n -> n.contains("left out of the comparison")), report.notes().toString());
    }

    @Test
    void aChainOutsideTheSubsetIsLeftOutOfVerifyAndItsDropsAreDifferencesWhileTheReplayedChainIsCompared(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(DIR)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path nft = dir.resolve("nft-ruleset.txt");
        java.nio.file.Files.writeString(nft, java.nio.file.Files.readString(nft).replace("tcp dport 8081 counter",
                "tcp dport 8081 meta length 60 counter"));
        VerifyReport report = Verifier.verify(dir);
        assertEquals(List.of(13L, 14L, 15L), report.differences().stream().map(d -> d.frame()).toList());
        assertTrue(report.differences().stream().allMatch(d -> d.aspect().equals("native nftables chain")
                && d.kernel().equals("inet pkp_fw:input (rule text not printed by the kernel) => DROP")
                && d.pktpath().equals("(this native nftables chain is not replayed) INGRESS DELIVERED_LOCALLY")),
                report.differences().toString());
        assertEquals(report.compared() - 3, report.equal(), "the output chain, replayed, is compared and agrees");
        assertTrue(report.notes().stream().anyMatch(n -> n.endsWith("kernel steps in native nftables chains "
                + "(inet pkp_fw:input) are left out of the comparison: pktpath does not replay these chains")),
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
