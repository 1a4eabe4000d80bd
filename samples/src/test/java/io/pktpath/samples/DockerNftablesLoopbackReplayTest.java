package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
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
 * bundles/docker-nftables-loopback replayed: Docker 29's nftables backend with {@code --userland-proxy=false} and a port
 * published on 127.0.0.1 only (moby's nftabler for a loopback host IP: the DNAT rule restricted to {@code ip daddr
 * 127.0.0.1}, raw-PREROUTING's DROP REMOTE LOOPBACK). Every expectation comes from the kernel's recording: nft-trace.txt,
 * conntrack-L.txt, probes.txt, scenario.env. The host's connections to 127.0.0.1:8080 are DNATed to web and masqueraded
 * as from the host; port 8080 at the node's address is not published (refused); a remote SYN to 127.0.0.1 arriving on
 * the uplink is dropped in raw before conntrack.
 */
class DockerNftablesLoopbackReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-loopback");
    private static final Pattern LOCALHOST = Pattern.compile("^\\[node\\] tcp 127\\.0\\.0\\.1:8080 from \\S+:(\\d+)"
            + " result=connected reply='web port 80 saw ([0-9.]+):(\\d+)'");
    private static final String REMOTE_LOOPBACK = "DROP REMOTE LOOPBACK";

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static String env(String key) throws IOException {
        return RecordedBundles.scenarioValue(DIR, key);
    }

    private static List<String> probes() throws IOException {
        return Files.readAllLines(DIR.resolve("probes.txt"));
    }

    private static int kernelHits(String comment) throws IOException {
        return DockerBridgesTrace.kernelHitsContaining(DIR, comment);
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 30, 16);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains(REMOTE_LOOPBACK)), kernel.toString());
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains("ip daddr 127.0.0.1 tcp dport 8080")
                && k.contains("dnat to")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /** Each connection of the host to 127.0.0.1:8080 answered in probes.txt: DNATed and masqueraded as conntrack holds it. */
    @Test
    void theHostsConnectionsToLocalhostAreDnatedAndMasqueradedAsTheKernelDidIt() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        int connections = 0;
        for (String line : probes()) {
            Matcher m = LOCALHOST.matcher(line);
            if (!m.find()) {
                continue;
            }
            connections++;
            int sport = Integer.parseInt(m.group(1));
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(Disposition.SENT, syn.disposition(), sport + ": " + syn.reason());
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            var nat = syn.nat().orElseThrow();
            assertEquals("127.0.0.1", nat.before().dst().toString());
            assertEquals(ct.get("127.0.0.1 " + sport + " 127.0.0.1 8080"), nat.after().dst() + " " + nat.after().dport()
                    + " " + nat.after().src() + " " + nat.after().sport(), "conntrack's reply tuple of " + sport);
            assertEquals(m.group(2), nat.after().src().toString(), "the source web saw (probes.txt) for " + sport);
            assertTrue(nat.masquerade(), "masqueraded: " + sport);
        }
        assertEquals(kernelHits("dnat to"), connections, "every DNAT of nft-trace.txt is one of the host's connections");
        assertTrue(connections > 0, "probes.txt holds the host's connections to 127.0.0.1:8080");
    }

    /** Port 8080 at the node's address is not published: the SYNs (the host's, the remote client's) meet no DNAT. */
    @Test
    void thePortAtTheNodesAddressIsNotPublished() throws IOException {
        String node = env("NODE_IP");
        long refused = probes().stream().filter(l -> l.contains("tcp " + node + ":8080 result=ECONNREFUSED")).count();
        List<PacketTrace> syns = replay().stream().filter(t -> t.packet().proto() == 6 && t.packet().dport() == 8080
                && t.packet().dst().map(a -> a.toString().equals(node)).orElse(false)
                && (t.packet().tcpFlags() & 0x12) == 0x02
                && (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)).toList();
        assertEquals(refused, syns.size(), "one replayed SYN per refused probe: " + syns);
        for (PacketTrace syn : syns) {
            int sport = syn.packet().sport();
            assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition(), sport + ": " + syn.reason());
            assertFalse(syn.nat().map(n -> !n.before().dst().equals(n.after().dst())).orElse(false), "DNATed: " + sport);
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
        }
    }

    /** The remote client's SYNs to 127.0.0.1 arriving on the uplink: dropped in raw, as often as nft-trace.txt says. */
    @Test
    void aRemoteSynToLoopbackIsDroppedByDropRemoteLoopback() throws IOException {
        assertEquals(1, probes().stream().filter(l -> l.startsWith("[up] tcp 127.0.0.1:8080 result=timeout")).count(),
                "probes.txt: the remote client's connection to 127.0.0.1:8080 timed out");
        List<PacketTrace> remote = replay().stream().filter(t -> t.packet().proto() == 6 && t.packet().dport() == 8080
                && t.packet().dst().map(a -> a.toString().equals("127.0.0.1")).orElse(false)
                && t.packet().iface().equals("eth0")).toList();
        assertEquals(kernelHits(REMOTE_LOOPBACK), remote.size(), "the SYN and its retransmissions");
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        for (PacketTrace t : remote) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
            List<String> s = DockerBridgesTrace.replayedSteps(t);
            assertEquals("raw-PREROUTING DROP", s.get(s.size() - 1), s.toString());
            RuleStep last = t.kernelSteps().stream().filter(RuleStep.class::isInstance).map(RuleStep.class::cast)
                    .reduce((a, b) -> b).orElseThrow();
            assertTrue(last.rule().text().contains(REMOTE_LOOPBACK), last.rule().text());
            int sport = t.packet().sport();
            assertTrue(ct.keySet().stream().noneMatch(k -> k.contains(" " + sport + " ")),
                    "conntrack-L.txt holds no entry of " + sport + " (raw dropped it first)");
        }
    }
}
