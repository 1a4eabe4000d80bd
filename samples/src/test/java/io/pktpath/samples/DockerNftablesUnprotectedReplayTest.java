package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/docker-nftables-unprotected replayed: Docker 29's nftables backend with a network created with gateway mode
 * {@code nat-unprotected} (moby's nftabler: filter-forward-in__BRIDGE ends in {@code counter accept comment
 * "UNPROTECTED"}, the published port has its DNAT but no accept of its own, the network's endpoints no DROP DIRECT
 * ACCESS rule), beside docker0 in gateway mode nat. Every expectation comes from the kernel's recording: nft-trace.txt,
 * conntrack-L.txt, probes.txt. From outside, the published port and the container's unpublished port are reachable,
 * the docker0 container is not; egress is masqueraded.
 */
class DockerNftablesUnprotectedReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-unprotected");
    private static final String BRIDGE = "br-7b2e4d91c0a6";
    private static final Pattern CONNECTED = Pattern.compile("^\\[(\\S+)\\] tcp (\\S+):(\\d+) from (\\S+):(\\d+)"
            + " result=connected reply='\\S+ port \\d+ saw ([0-9.]+):(\\d+)'");
    private static final Pattern TIMED_OUT = Pattern.compile("^\\[(\\S+)\\] tcp (\\S+):(\\d+) result=timeout");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** probes.txt's answered connections whose line holds {@code part}: each one's groups as {@link #CONNECTED}. */
    private static List<Matcher> connected(String part) throws IOException {
        List<Matcher> out = Files.readAllLines(DIR.resolve("probes.txt")).stream().filter(l -> l.contains(part))
                .map(CONNECTED::matcher).filter(Matcher::find).toList();
        assertFalse(out.isEmpty(), "probes.txt holds an answered connection with " + part);
        return out;
    }

    /** The last docker-bridges rule a replayed packet met in a chain whose name starts with {@code chainPrefix}. */
    private static RuleStep lastRule(PacketTrace t, String chainPrefix) {
        return t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().table().endsWith(" docker-bridges")
                && r.rule().chain().startsWith(chainPrefix)).map(RuleStep.class::cast).reduce((a, b) -> b).orElseThrow();
    }

    /** The replayed SYN of {@code sport}: its docker-bridges steps those of nft-trace.txt, the disposition given. */
    private static PacketTrace synAsTraced(List<PacketTrace> traces, int sport, Disposition disposition) throws IOException {
        PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
        assertEquals(disposition, syn.disposition(), sport + ": " + syn.reason());
        assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
        return syn;
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 60, 20);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains("accept comment \"UNPROTECTED\"")), kernel.toString());
        assertTrue(kernel.keySet().stream().noneMatch(k -> k.contains("UNPUBLISHED PORT DROP")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /** The uplink's connections to the published port: DNATed, taken by UNPROTECTED (no per-port accept), source kept. */
    @Test
    void thePublishedPortIsDnatedAndAcceptedByTheUnprotectedRule() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        for (Matcher m : connected(":8080 from ")) {
            int sport = Integer.parseInt(m.group(5));
            PacketTrace syn = synAsTraced(traces, sport, Disposition.FORWARDED);
            var nat = syn.nat().orElseThrow();
            assertEquals(ct.get(m.group(4) + " " + sport + " " + m.group(2) + " 8080"),
                    nat.after().dst() + " " + nat.after().dport() + " " + nat.after().src() + " " + nat.after().sport(),
                    "conntrack's reply of " + sport);
            assertEquals(m.group(6), nat.after().src().toString(), "the source web saw (probes.txt) for " + sport);
            RuleStep taken = lastRule(syn, "filter-");
            assertEquals("filter-forward-in__" + BRIDGE, taken.rule().chain(), taken.rule().text());
            assertTrue(taken.rule().text().contains("comment \"UNPROTECTED\""), taken.rule().text());
        }
    }

    /** The uplink straight at web's address, its unpublished port too: no raw drop, accepted by UNPROTECTED, un-NATed. */
    @Test
    void theContainersUnpublishedPortIsReachableFromOutside() throws IOException {
        List<PacketTrace> traces = replay();
        List<Matcher> direct = connected("[up] tcp 172.19.0.2:");
        assertTrue(direct.stream().anyMatch(m -> m.group(3).equals("81")), "probes.txt: the unpublished port answered");
        for (Matcher m : direct) {
            int sport = Integer.parseInt(m.group(5));
            PacketTrace syn = synAsTraced(traces, sport, Disposition.FORWARDED);
            assertFalse(syn.nat().map(n -> n.changed()).orElse(false), "NATed: " + sport);
            assertEquals(m.group(4), m.group(6), "web saw the uplink's own address (probes.txt)");
            RuleStep taken = lastRule(syn, "filter-");
            assertEquals("filter-forward-in__" + BRIDGE, taken.rule().chain(), taken.rule().text());
            assertTrue(taken.rule().text().contains("comment \"UNPROTECTED\""), taken.rule().text());
        }
    }

    /** The docker0 container (gateway mode nat) keeps its DROP DIRECT ACCESS rule: from the uplink and from web. */
    @Test
    void theGatewayModeNatContainerStaysProtected() throws IOException {
        List<PacketTrace> traces = replay();
        List<String> timedOut = Files.readAllLines(DIR.resolve("probes.txt")).stream()
                .filter(l -> TIMED_OUT.matcher(l).find()).toList();
        assertEquals(2, timedOut.size(), timedOut.toString());
        assertTrue(timedOut.stream().allMatch(l -> l.contains(" tcp 172.17.0.2:80 ")), timedOut.toString());
        int kernelDrops = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt")).entrySet().stream()
                .filter(e -> e.getKey().contains("DROP DIRECT ACCESS")).mapToInt(Map.Entry::getValue).sum();
        List<PacketTrace> dropped = traces.stream().filter(t -> t.disposition() == Disposition.DROPPED_BY_RULE).toList();
        assertEquals(kernelDrops, dropped.size(), "the two SYNs and their retransmissions");
        for (PacketTrace t : dropped) {
            assertEquals("172.17.0.2", t.packet().dst().orElseThrow().toString(), t.reason());
            RuleStep taken = lastRule(t, "");
            assertEquals("raw-PREROUTING", taken.rule().chain(), t.reason());
            assertTrue(taken.rule().text().contains("DROP DIRECT ACCESS"), taken.rule().text());
        }
    }

    /** Egress from web, and app's connection across to web: masqueraded where conntrack-L.txt says, as web saw it. */
    @Test
    void egressAndTheCrossNetworkConnectionAreNatedAsTheKernelDid() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        for (String from : List.of("[web] tcp 172.18.0.1:9000 from ", "[app] tcp 172.19.0.2:81 from ")) {
            Matcher m = connected(from).get(0);
            int sport = Integer.parseInt(m.group(5));
            PacketTrace syn = synAsTraced(traces, sport, Disposition.FORWARDED);
            var nat = syn.nat().orElseThrow();
            String reply = ct.get(m.group(4) + " " + sport + " " + m.group(2) + " " + m.group(3));
            assertEquals(reply.split(" ")[2], nat.after().src().toString(), "conntrack's reply destination for " + sport);
            assertEquals(m.group(6), nat.after().src().toString(), "the source the server saw (probes.txt) for " + sport);
            assertTrue(nat.masquerade(), sport + ": " + nat);
        }
    }
}
