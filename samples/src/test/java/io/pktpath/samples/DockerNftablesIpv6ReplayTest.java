package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bundles/docker-nftables-ipv6 replayed: Docker 29's nftables backend with a dual-stack network (moby's nftabler with
 * Hairpin=false; {@code table ip6 docker-bridges} with the network in its verdict maps). Every expectation comes from the
 * kernel's recording: nft-trace.txt, conntrack-L.txt, probes.txt. The IPv6 published port is DNATed unless the source
 * is link-local ({@code ip6 saddr != fe80::/10}) or the destination ::1 (nat-OUTPUT), IPv6 egress is masqueraded by
 * the ip6 MASQUERADE rule, and the ip6 DROP DIRECT ACCESS and UNPUBLISHED PORT DROP rules drop.
 */
class DockerNftablesIpv6ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-ipv6");
    private static final Path TRACE = DIR.resolve("nft-trace.txt");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 75, 36);
    }

    @Test
    void eachDockerRuleOfBothFamiliesTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(TRACE);
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.startsWith("ip6 docker-bridges nat-prerouting-and-output ")),
                kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    @Test
    void ipv6ConnectionsAreDnatedAndMasqueradedAsConntrackRecordedThem() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        // the uplink's two connections to the published port, web's egress, the node's own to its published port
        for (int sport : new int[] {41101, 41102, 43001, 43005}) {
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(6, syn.packet().family());
            assertEquals(DockerBridgesTrace.kernelSteps(TRACE, "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            var nat = syn.nat().orElseThrow();
            String original = nat.before().src() + " " + sport + " " + nat.before().dst() + " " + nat.before().dport();
            assertEquals(ct.get(original), nat.after().dst() + " " + nat.after().dport() + " " + nat.after().src() + " "
                    + nat.after().sport(), "conntrack's reply tuple of " + original);
            boolean masqueraded = !ct.get(original).split(" ")[2].equals(nat.before().src().toString());
            assertEquals(masqueraded, nat.masquerade(), "masqueraded (conntrack's reply destination): " + sport);
        }
        assertTrue(DockerBridgesTrace.syns(traces, 43001).get(0).nat().orElseThrow().masquerade(), "web's IPv6 egress");
    }

    @Test
    void theLinkLocalAndLoopbackConnectionsAreNotDnatedAndReachTheHost() throws IOException {
        List<PacketTrace> traces = replay();
        List<String> probes = Files.readAllLines(DIR.resolve("probes.txt"));
        for (int sport : new int[] {43006, 43007, 43008}) {
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            List<String> kernel = DockerBridgesTrace.kernelSteps(TRACE, "tcp sport " + sport, "syn");
            assertFalse(kernel.contains("nat-prerouting-and-output ACCEPT"), "the kernel did not DNAT " + sport);
            assertEquals(kernel, DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            assertTrue(syn.nat().isEmpty() || syn.nat().get().before().equals(syn.nat().get().after()), syn.toString());
        }
        assertEquals(3, probes.stream().filter(l -> l.contains("result=ECONNREFUSED")).count(),
                "probes.txt: ::1, the link-local address and web's own connection were refused by the host");
    }

    @Test
    void directAccessAndAnAddressWithoutEndpointAreDroppedByTheIpv6Rules() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(TRACE);
        Map<Integer, String> chainOf = Map.of(43003, "raw-PREROUTING", 43004, "filter-forward-in__br-8a3c41d2e6f0");
        for (var e : chainOf.entrySet()) {
            List<PacketTrace> syns = DockerBridgesTrace.syns(traces, e.getKey());
            int kernelDrops = kernel.entrySet().stream().filter(k -> k.getKey().startsWith("ip6 docker-bridges "
                    + e.getValue() + " ") && k.getKey().contains(" drop ")).mapToInt(Map.Entry::getValue).sum();
            assertEquals(kernelDrops, syns.size(), "the SYN and its retransmission: " + e.getKey());
            for (PacketTrace t : syns) {
                assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
                List<String> s = DockerBridgesTrace.replayedSteps(t);
                assertEquals(e.getValue() + " DROP", s.get(s.size() - 1), s.toString());
            }
        }
    }
}
