package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bundles/docker-nftables-routed-internal replayed: Docker 29's nftables backend with a routed network (gateway mode
 * {@code routed}: no NAT, an ICMP accept, the published port accepted for the container's own address) and an
 * {@code --internal} one (INTERNAL NETWORK INGRESS and EGRESS around ICC). Every expectation comes from the kernel's
 * recording: nft-trace.txt, conntrack-L.txt, probes.txt.
 */
class DockerNftablesRoutedInternalReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-routed-internal");
    private static final Path TRACE = DIR.resolve("nft-trace.txt");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 50, 26);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(TRACE);
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains("INTERNAL NETWORK EGRESS")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    @Test
    void theRoutedNetworksConnectionsAreNotNatedAndMeetTheRulesTheKernelTraced() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        // the uplink to api's published port, api's egress, db to cache on the internal network
        for (int sport : new int[] {41001, 41002, 43001, 43002}) {
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(Disposition.FORWARDED, syn.disposition(), syn.reason());
            assertEquals(DockerBridgesTrace.kernelSteps(TRACE, "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            var p = syn.packet();
            String reply = ct.get(p.src().orElseThrow() + " " + sport + " " + p.dst().orElseThrow() + " " + p.dport());
            assertEquals(p.dst().get() + " " + p.dport() + " " + p.src().get() + " " + sport, reply,
                    "conntrack holds the connection un-NATed: " + sport);
            assertTrue(syn.nat().isEmpty() || syn.nat().get().before().equals(syn.nat().get().after()), syn.toString());
        }
    }

    @Test
    void theInternalNetworkAndAnUnpublishedPortDropWhereTheKernelDropped() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(TRACE);
        // the SYNs (and retransmissions) of: the uplink to port 81, the uplink to db, api to db, db out of its network
        Map<Integer, String> droppedBy = Map.of(41003, "UNPUBLISHED PORT DROP", 43003, "INTERNAL NETWORK INGRESS",
                43004, "INTERNAL NETWORK INGRESS", 43005, "INTERNAL NETWORK EGRESS");
        int replayedDrops = 0;
        for (var e : droppedBy.entrySet()) {
            List<PacketTrace> syns = DockerBridgesTrace.syns(traces, e.getKey());
            assertTrue(!syns.isEmpty(), "the SYNs from " + e.getKey());
            List<String> kernelSteps = DockerBridgesTrace.kernelSteps(TRACE, "tcp sport " + e.getKey(), "syn");
            for (PacketTrace t : syns) {
                assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
                assertTrue(t.reason().contains(e.getValue()), t.reason());
                replayedDrops++;
            }
            assertEquals(kernelSteps, syns.stream().flatMap(t -> DockerBridgesTrace.replayedSteps(t).stream()).toList(),
                    "the docker-bridges rules of " + e.getKey() + "'s SYNs");
        }
        int kernelDrops = kernel.entrySet().stream().filter(k -> k.getKey().matches(".* drop comment \"(UNPUBLISHED PORT"
                + " DROP|INTERNAL NETWORK (INGRESS|EGRESS))\"$")).mapToInt(Map.Entry::getValue).sum();
        assertEquals(kernelDrops, replayedDrops, "every drop nft-trace.txt shows");
    }
}
