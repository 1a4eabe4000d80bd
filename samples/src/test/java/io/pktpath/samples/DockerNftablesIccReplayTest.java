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
 * bundles/docker-nftables-icc replayed: Docker 29's nftables backend with {@code --icc=false} (moby's nftabler with ICC
 * off: filter-forward-in__docker0's {@code iifname "docker0" drop comment "ICC"} before the published port's accept).
 * Every expectation comes from the kernel's recording: nft-trace.txt, conntrack-L.txt, probes.txt. Two containers of
 * the network cannot reach each other (their bridged SYNs dropped in br_netfilter's FORWARD), the published port is
 * reachable from outside, and a container's connection to the host's published port skips the DNAT and reaches the host.
 */
class DockerNftablesIccReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-icc");
    private static final Pattern PUBLISHED = Pattern.compile("^\\[up\\] tcp (\\S+):8080 from \\S+:(\\d+) result=connected"
            + " reply='web port 80 saw ([0-9.]+):(\\d+)'");
    private static final Pattern ON_THE_BRIDGE = Pattern.compile("^\\[(cli|web)\\] tcp 172\\.17\\.0\\.\\d+:80 result=timeout");
    private static final Pattern TO_THE_HOST = Pattern.compile("^\\[(\\S+)\\] tcp (\\S+):8080 from \\S+:(\\d+)"
            + " result=connected reply='node port 8080 saw ");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static List<String> probes() throws IOException {
        return Files.readAllLines(DIR.resolve("probes.txt"));
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 30, 14);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains("drop comment \"ICC\"")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /** The SYNs between the network's two containers: dropped by ICC, as many as nft-trace.txt holds. */
    @Test
    void containersOfTheNetworkCannotTalk() throws IOException {
        List<PacketTrace> traces = replay();
        assertEquals(2, probes().stream().filter(l -> ON_THE_BRIDGE.matcher(l).find()).count(),
                "probes.txt: cli to web and web to cli timed out");
        int kernelDrops = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt")).entrySet().stream()
                .filter(e -> e.getKey().contains("comment \"ICC\"")).mapToInt(Map.Entry::getValue).sum();
        List<PacketTrace> dropped = traces.stream().filter(t -> t.disposition() == Disposition.DROPPED_BY_RULE).toList();
        assertEquals(kernelDrops, dropped.size(), "the two SYNs and their retransmissions");
        for (PacketTrace t : dropped) {
            assertEquals("172.17.0", t.packet().src().orElseThrow().toString().substring(0, 8), t.reason());
            assertEquals(80, t.packet().dport(), t.reason());
            List<String> s = DockerBridgesTrace.replayedSteps(t);
            assertEquals("filter-forward-in__docker0 DROP", s.get(s.size() - 1), s.toString());
            RuleStep last = t.kernelSteps().stream().filter(RuleStep.class::isInstance).map(RuleStep.class::cast)
                    .reduce((a, b) -> b).orElseThrow();
            assertTrue(last.rule().text().contains("comment \"ICC\""), last.rule().text());
        }
        for (int sport : dropped.stream().mapToInt(t -> t.packet().sport()).distinct().toArray()) {
            List<String> replayed = DockerBridgesTrace.syns(traces, sport).stream()
                    .flatMap(t -> DockerBridgesTrace.replayedSteps(t).stream()).toList();
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    replayed, "the docker-bridges rules of " + sport + "'s SYN and its retransmissions");
        }
    }

    /** The uplink's connections to the published port: DNATed, accepted by the port's rule, the source kept. */
    @Test
    void thePublishedPortStaysReachableFromOutside() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        int connections = 0;
        for (String line : probes()) {
            Matcher m = PUBLISHED.matcher(line);
            if (!m.find()) {
                continue;
            }
            connections++;
            int sport = Integer.parseInt(m.group(2));
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(Disposition.FORWARDED, syn.disposition(), sport + ": " + syn.reason());
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            var nat = syn.nat().orElseThrow();
            assertEquals(ct.get(nat.before().src() + " " + sport + " " + m.group(1) + " 8080"), nat.after().dst() + " "
                    + nat.after().dport() + " " + nat.after().src() + " " + nat.after().sport(), "conntrack's reply of " + sport);
            assertEquals(m.group(3), nat.after().src().toString(), "the source web saw (probes.txt) for " + sport);
        }
        assertTrue(connections > 0, "probes.txt holds the uplink's connections to the published port");
    }

    /** A container's connection to the host's published port: no DNAT (iifname != "docker0"), delivered to the host. */
    @Test
    void aContainerReachingTheHostsPortIsNotDnated() throws IOException {
        List<PacketTrace> traces = replay();
        int connections = 0;
        for (String line : probes()) {
            Matcher m = TO_THE_HOST.matcher(line);
            if (!m.find()) {
                continue;
            }
            connections++;
            int sport = Integer.parseInt(m.group(3));
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition(), sport + ": " + syn.reason());
            assertFalse(syn.nat().map(n -> !n.before().dst().equals(n.after().dst())).orElse(false), "DNATed: " + sport);
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
        }
        assertTrue(connections > 0, "probes.txt holds a container's connection answered by the host");
    }
}
