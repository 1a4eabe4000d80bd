package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-native-forward replayed: the native table inet pkp_nf has filter chains on forward (priority filter - 5,
 * before iptables' filter FORWARD), prerouting (-120) and postrouting (srcnat + 10). The kernel (trace.txt, nft-trace.txt,
 * the rules' counters) dropped pod a's new connection in pods_forward, the uplink's SYNs to 9999 in uplink_prerouting and
 * pod b's datagram to 5301 in pods_postrouting, and accepted pod b's established packets in pods_forward and then in
 * filter FORWARD (an accept ends only its own base chain); pktpath does the same, step for step.
 */
class NftNativeForwardReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-native-forward");

    private static List<String> netfilterSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().table() + ":" + r.rule().chain() + " "
                + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " " + p.verdict() : "")
                .filter(s -> !s.startsWith("raw:")).toList();
    }

    @Test
    void eachNativeChainEndsWhatTheKernelEndedThereInTheKernelsOrder() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        List<PacketTrace> traces = CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
        List<PacketTrace> podA = traces.stream().filter(t -> t.packet().info().contains("10.244.1.2:43001 > 172.18.0.1:9000 [S]"))
                .toList();
        assertEquals(3, podA.size());
        for (PacketTrace t : podA) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition());
            assertEquals(List.of("inet pkp_nf:uplink_prerouting POLICY:ACCEPT", "inet pkp_nf:pods_forward DROP"),
                    netfilterSteps(t), "before iptables' filter FORWARD");
        }
        PacketTrace ack = traces.stream().filter(t -> t.packet().info().contains("10.244.1.3:43002 > 172.18.0.1:9000 [.]")
                && t.disposition() == Disposition.FORWARDED && !t.kernelSteps().isEmpty()).findFirst().orElseThrow();
        assertEquals(List.of("inet pkp_nf:uplink_prerouting POLICY:ACCEPT", "inet pkp_nf:pods_forward ACCEPT",
                "filter:FORWARD ACCEPT", "inet pkp_nf:pods_postrouting CONTINUE", "inet pkp_nf:pods_postrouting POLICY:ACCEPT"),
                netfilterSteps(ack));
        List<PacketTrace> to9999 = traces.stream().filter(t -> t.packet().info().contains("> 10.244.1.3:9999 [S]")).toList();
        assertTrue(!to9999.isEmpty() && to9999.stream().allMatch(t -> t.disposition() == Disposition.DROPPED_BY_RULE
                && t.reason().startsWith("dropped by inet pkp_nf uplink_prerouting rule 1 ")), to9999.toString());
        PacketTrace udp = traces.stream().filter(t -> t.packet().info().contains("10.244.1.3:43005 > 172.18.0.1:5301"))
                .findFirst().orElseThrow();
        assertEquals(Disposition.DROPPED_BY_RULE, udp.disposition());
        assertEquals(List.of("inet pkp_nf:uplink_prerouting POLICY:ACCEPT", "inet pkp_nf:pods_forward POLICY:ACCEPT",
                "filter:FORWARD ACCEPT", "inet pkp_nf:pods_postrouting DROP"), netfilterSteps(udp));
    }

    @Test
    void verifyFindsEveryPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.compared(), report.equal());
        assertTrue(report.compared() >= 19, "every traced packet: " + report.compared());
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.hitsCompared() >= 14, "the iptables counters and the 5 native rules': " + report.hitsCompared());
    }
}
