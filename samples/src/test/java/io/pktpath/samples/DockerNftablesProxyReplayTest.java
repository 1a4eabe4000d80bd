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
 * bundles/docker-nftables-proxy replayed: Docker 29's nftables backend with the userland proxy on and a port published on
 * 127.0.0.1 only (moby's nftabler for hairpin=false and a loopback host IP: nat-OUTPUT skips loopback destinations,
 * raw-PREROUTING's DROP REMOTE LOOPBACK), docker-proxy stood in for by a Python relay. Every expectation comes from the
 * kernel's recording: nft-trace.txt, conntrack-L.txt, probes.txt, proxy-log.txt, scenario.env. The host's connections to
 * 127.0.0.1:8080 are delivered to the proxy on lo without NAT; the proxy's own connections to web leave from the bridge's
 * address unmasqueraded; a remote SYN to 127.0.0.1 arriving on the uplink is dropped in raw before conntrack.
 */
class DockerNftablesProxyReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-proxy");
    private static final Pattern LOCALHOST = Pattern.compile("^\\[node\\] tcp 127\\.0\\.0\\.1:8080 from \\S+:(\\d+)"
            + " result=connected reply='web port 80 saw ([0-9.]+):(\\d+)'");
    private static final Pattern RELAY = Pattern.compile("^relay 127\\.0\\.0\\.1:(\\d+) -> ([0-9.]+):(\\d+) -> 172\\.17\\.0\\.2:80$");
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

    private static boolean dnated(PacketTrace t) {
        return t.nat().map(n -> !n.before().dst().equals(n.after().dst()) || n.before().dport() != n.after().dport())
                .orElse(false);
    }

    private static boolean natted(PacketTrace t) {
        return t.nat().map(n -> !n.before().equals(n.after())).orElse(false);
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 40, 14);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains(REMOTE_LOOPBACK)), kernel.toString());
        assertTrue(kernel.keySet().stream().noneMatch(k -> k.contains("dnat to")), "the kernel DNATed nothing: " + kernel);
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /** Each connection of the host to 127.0.0.1:8080 (probes.txt): skips nat-OUTPUT's jump, reaches the proxy on lo as sent. */
    @Test
    void theHostsConnectionsToLocalhostAreDeliveredToTheProxyWithoutNat() throws IOException {
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
            List<PacketTrace> syns = DockerBridgesTrace.syns(traces, sport);
            assertFalse(syns.isEmpty(), "a replayed SYN of " + sport);
            assertTrue(syns.stream().anyMatch(t -> t.disposition() == Disposition.DELIVERED_LOCALLY),
                    sport + ": " + syns.stream().map(PacketTrace::reason).toList());
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    syns.stream().flatMap(t -> DockerBridgesTrace.replayedSteps(t).stream()).toList(),
                    "the docker-bridges rules of " + sport + "'s SYN");
            for (PacketTrace t : syns) {
                assertFalse(natted(t), "NATed: " + sport + " " + t.nat());
                assertEquals("127.0.0.1", t.packet().dst().orElseThrow().toString());
            }
            assertEquals(ct.get("127.0.0.1 " + sport + " 127.0.0.1 8080"), "127.0.0.1 8080 127.0.0.1 " + sport,
                    "conntrack's reply tuple of " + sport + " (not DNATed)");
        }
        assertEquals(2, connections, "probes.txt holds the host's two connections to 127.0.0.1:8080");
    }

    /** The proxy's own connection to web (proxy-log.txt): a local flow from 172.17.0.1, neither NATed nor forwarded. */
    @Test
    void theProxysConnectionsToTheContainerAreLocalFlowsFromTheBridgesAddress() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        List<String> saw = probes().stream().map(LOCALHOST::matcher).filter(Matcher::find)
                .map(m -> m.group(2) + ":" + m.group(3)).toList();
        int relays = 0;
        for (String line : Files.readAllLines(DIR.resolve("proxy-log.txt"))) {
            Matcher m = RELAY.matcher(line);
            if (!m.matches()) {
                continue;
            }
            relays++;
            String src = m.group(2);
            int sport = Integer.parseInt(m.group(3));
            assertTrue(saw.contains(src + ":" + sport), "web saw the proxy's own address " + src + ":" + sport + ": " + saw);
            List<PacketTrace> syns = DockerBridgesTrace.syns(traces, sport);
            assertEquals(1, syns.size(), "one replayed SYN of the proxy's " + sport + ": " + syns);
            PacketTrace syn = syns.get(0);
            assertEquals(FrameRole.LOCAL_OUT, syn.role());
            assertEquals(Disposition.SENT, syn.disposition(), sport + ": " + syn.reason());
            assertEquals(src, syn.packet().src().orElseThrow().toString());
            assertFalse(natted(syn), "NATed: " + sport + " " + syn.nat());
            List<String> steps = DockerBridgesTrace.replayedSteps(syn);
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    steps, "the docker-bridges rules of the proxy's " + sport);
            assertTrue(steps.stream().noneMatch(s -> s.startsWith("filter-FORWARD")), steps.toString());
            assertEquals("172.17.0.2 80 " + src + " " + sport, ct.get(src + " " + sport + " 172.17.0.2 80"),
                    "conntrack's reply tuple of the proxy's " + sport + " (not masqueraded)");
        }
        assertEquals(2, relays, "proxy-log.txt holds two relays");
    }

    /** Port 8080 at the node's address is not published and nothing listens there: the host's SYN meets no DNAT. */
    @Test
    void thePortAtTheNodesAddressIsNotPublished() throws IOException {
        String node = env("NODE_IP");
        long refused = probes().stream().filter(l -> l.contains("tcp " + node + ":8080 result=ECONNREFUSED")).count();
        List<PacketTrace> syns = replay().stream().filter(t -> t.packet().proto() == 6 && t.packet().dport() == 8080
                && t.packet().dst().map(a -> a.toString().equals(node)).orElse(false)
                && (t.packet().tcpFlags() & 0x12) == 0x02
                && (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)).toList();
        assertEquals(1, refused, "probes.txt: the host's connection to its own address refused");
        assertFalse(syns.isEmpty());
        for (PacketTrace syn : syns) {
            assertFalse(dnated(syn), "DNATed: " + syn.nat());
        }
        assertTrue(syns.stream().anyMatch(t -> t.disposition() == Disposition.DELIVERED_LOCALLY), syns.toString());
        int sport = syns.get(0).packet().sport();
        assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                syns.stream().flatMap(t -> DockerBridgesTrace.replayedSteps(t).stream()).toList(),
                "the docker-bridges rules of " + sport + "'s SYN");
    }

    /** The remote client's SYNs to 127.0.0.1 arriving on the uplink: dropped in raw, as often as nft-trace.txt says. */
    @Test
    void aRemoteSynToLoopbackIsDroppedByDropRemoteLoopback() throws IOException {
        assertEquals(1, probes().stream().filter(l -> l.startsWith("[up] tcp 127.0.0.1:8080 result=timeout")).count(),
                "probes.txt: the remote client's connection to 127.0.0.1:8080 timed out");
        List<PacketTrace> remote = replay().stream().filter(t -> t.packet().proto() == 6 && t.packet().dport() == 8080
                && t.packet().dst().map(a -> a.toString().equals("127.0.0.1")).orElse(false)
                && t.packet().iface().equals("eth0")).toList();
        assertTrue(remote.size() >= 2, "the SYN and its retransmission: " + remote.size());
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
