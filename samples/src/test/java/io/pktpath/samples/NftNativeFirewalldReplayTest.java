package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * bundles/nft-native-firewalld replayed: the native table inet pkp_firewalld, in firewalld's shape, guards INPUT with a
 * conntrack verdict map, a goto to a zone chain whose rules use the named sets pub_ports and trusted and two protocols
 * in one rule, and a final reject with icmpx admin-prohibited. The kernel (trace.txt, nft-trace.txt, the counters)
 * accepted the SYN to 10250 by the port set, the SYN from 172.18.0.9 to 8081 by the address set, the first ping by
 * the protocol rule and every later packet of those flows by the map's established element, and rejected the SYN from
 * 172.18.0.1 to 8081; pktpath does the same.
 */
class NftNativeFirewalldReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-native-firewalld");

    private static List<String> nativeSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().table() + ":" + r.rule().chain()
                + " " + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " " + p.verdict() : "")
                .filter(s -> s.startsWith("inet pkp_firewalld:")).toList();
    }

    private static PacketTrace frame(List<PacketTrace> traces, String info) {
        return traces.stream().filter(t -> t.packet().info().contains(info)).findFirst().orElseThrow(() ->
                new AssertionError("no frame " + info));
    }

    @Test
    void namedSetsVerdictMapAndRejectDecideAsInTheKernel() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        List<PacketTrace> traces = CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
        PacketTrace syn10250 = frame(traces, "172.18.0.1:44000 > 172.18.0.2:10250 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, syn10250.disposition());
        assertTrue(nativeSteps(syn10250).contains("inet pkp_firewalld:filter_IN_public ACCEPT"),
                nativeSteps(syn10250).toString());
        PacketTrace ack10250 = frame(traces, "172.18.0.1:44000 > 172.18.0.2:10250 [.]");
        assertEquals(List.of("inet pkp_firewalld:filter_INPUT ACCEPT"), nativeSteps(ack10250),
                "the verdict map's established element");

        PacketTrace rejected = frame(traces, "172.18.0.1:44001 > 172.18.0.2:8081 [S]");
        assertEquals(Disposition.REJECTED, rejected.disposition());
        assertTrue(rejected.reason().startsWith("rejected by inet pkp_firewalld filter_INPUT rule 4 "),
                rejected.reason());
        assertFalse(nativeSteps(rejected).contains("inet pkp_firewalld:filter_IN_public ACCEPT"),
                nativeSteps(rejected).toString());

        PacketTrace trusted = frame(traces, "172.18.0.9:44002 > 172.18.0.2:8081 [S]");
        assertEquals(Disposition.DELIVERED_LOCALLY, trusted.disposition());
        assertTrue(nativeSteps(trusted).contains("inet pkp_firewalld:filter_IN_public ACCEPT"),
                nativeSteps(trusted).toString());

        List<PacketTrace> pings = traces.stream().filter(t -> t.packet().info().contains("echo request")).toList();
        assertEquals(2, pings.size());
        assertTrue(nativeSteps(pings.get(0)).contains("inet pkp_firewalld:filter_IN_public ACCEPT"),
                nativeSteps(pings.get(0)).toString());
        assertEquals(List.of("inet pkp_firewalld:filter_INPUT ACCEPT"), nativeSteps(pings.get(1)),
                "the second echo request is established");
    }

    @Test
    void verifyFindsEveryPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.compared(), report.equal());
        assertTrue(report.compared() >= 26, "every traced packet: " + report.compared());
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.hitsCompared() >= 12, "the iptables counters and the 4 native rules': " + report.hitsCompared());
    }
}
