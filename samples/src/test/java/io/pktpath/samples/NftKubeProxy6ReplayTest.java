package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-kube-proxy6 replayed: kube-proxy's nftables mode for IPv6 ({@code table ip6 kube-proxy}). The kernel's nft
 * monitor trace (every IPv6 packet) shows the pod's connections DNATed by the endpoint chain the numgen map chose, the
 * service without endpoints rejected in filter-forward, the uplink's connections masqueraded; pktpath agrees packet
 * for packet and lists both endpoints as alternatives of 1/2.
 */
class NftKubeProxy6ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-kube-proxy6");

    private static List<PacketTrace> syns(String to) throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        return CaptureReplays.replay(bundle, DIR.resolve("capture.pcap")).stream()
                .filter(t -> t.role() == FrameRole.INGRESS && t.packet().info().contains(to + " [S]")).toList();
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertEquals(List.of(), report.untied());
        assertTrue(report.compared() >= 60, "every IPv6 packet of nft-trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    @Test
    void thePodsConnectionsAreDnatedWithBothEndpointsAsAlternativesAndTheUplinksMasqueraded() throws IOException {
        List<PacketTrace> syns = syns("> [fd00:10:96::10]:80");
        assertEquals(5, syns.size(), "3 from the pod, 2 from the uplink");
        for (PacketTrace t : syns) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            Set<String> endpoints = new TreeSet<>();
            for (Alternative a : t.alternatives()) {
                assertEquals(0.5, a.probability(), 1e-9);
                endpoints.add(a.nat().orElseThrow().after().dst().toString());
            }
            assertEquals(Set.of("fd00:10:244:1::3", "fd00:10:244:1::4"), endpoints);
            boolean fromUplink = t.packet().info().contains("[fd00:18::1]:");
            assertEquals(fromUplink, t.nat().orElseThrow().masquerade(), t.packet().info());
            assertEquals(fromUplink ? "fd00:18::2" : "fd00:10:244:1::2", t.nat().get().after().src().toString());
        }
    }

    @Test
    void theServiceWithoutEndpointsIsRejectedByTheRejectChainAndNoChainIsReported() throws IOException {
        PacketTrace gone = syns("> [fd00:10:96::30]:80").get(0);
        assertEquals(Disposition.REJECTED, gone.disposition());
        assertTrue(gone.reason().startsWith("rejected by ip6 kube-proxy reject-chain rule 1 "), gone.reason());
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        var findings = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { },
                () -> false).findings();
        assertFalse(findings.stream().anyMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)), findings.toString());
    }
}
