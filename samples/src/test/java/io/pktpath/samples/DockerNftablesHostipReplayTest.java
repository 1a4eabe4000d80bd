package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * bundles/docker-nftables-hostip replayed: Docker 29's nftables backend with a network created with
 * {@code -o com.docker.network.host_ipv4=ADDR} (moby's nftabler: the network's nat-postrouting-out chain holds
 * {@code snat to ADDR comment "SNAT"} instead of MASQUERADE), the node's uplink holding that address beside its primary
 * one, docker0 masquerading beside it. Every expectation comes from the kernel's recording: nft-trace.txt,
 * conntrack-L.txt, probes.txt, scenario.env.
 */
class DockerNftablesHostipReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-hostip");
    private static final String BRIDGE = "br-2d6a0f53c8e1";
    private static final Pattern ANSWERED = Pattern.compile("^\\[(\\S+)\\] (tcp|udp) (\\S+):(\\d+) from (\\S+):(\\d+)"
            + " result=(?:connected|reply) reply='\\S+ port \\d+ saw ([0-9.]+):(\\d+)'");
    private static final Pattern SNAT_RULE = Pattern.compile(" snat to ([0-9.]+) comment \"SNAT\"");
    private static final Pattern CT = Pattern.compile("^(tcp|udp) .*? src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) "
            + "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) ");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** probes.txt's answered probes whose line holds {@code part}: each one's groups as {@link #ANSWERED}. */
    private static List<Matcher> answered(String part) throws IOException {
        List<Matcher> out = Files.readAllLines(DIR.resolve("probes.txt")).stream().filter(l -> l.contains(part))
                .map(ANSWERED::matcher).filter(Matcher::find).toList();
        assertFalse(out.isEmpty(), "probes.txt holds an answered probe with " + part);
        return out;
    }

    /** conntrack-L.txt: "proto src sport dst dport" of the original direction → "src sport dst dport" of the reply. */
    private static Map<String, String> conntrack() throws IOException {
        return Files.readAllLines(DIR.resolve("conntrack-L.txt")).stream().map(CT::matcher).filter(Matcher::find)
                .collect(Collectors.toMap(m -> m.group(1) + " " + m.group(2) + " " + m.group(4) + " " + m.group(3) + " "
                        + m.group(5), m -> m.group(6) + " " + m.group(8) + " " + m.group(7) + " " + m.group(9)));
    }

    private static String env(String key) throws IOException {
        return RecordedBundles.scenarioValue(DIR, key);
    }

    /** The first replayed frame (not a copy) of the flow from {@code sport} over {@code proto}: a SYN, a datagram. */
    private static PacketTrace first(List<PacketTrace> traces, int proto, int sport) {
        return traces.stream().filter(t -> (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                && t.packet().proto() == proto && t.packet().sport() == sport).findFirst().orElseThrow();
    }

    /** The last docker-bridges rule a replayed packet met in the chain {@code chain}. */
    private static RuleStep lastRule(PacketTrace t, String chain) {
        return t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().table().endsWith(" docker-bridges")
                && r.rule().chain().equals(chain)).map(RuleStep.class::cast).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no rule of " + chain + " for " + t.reason()));
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 55, 20);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.startsWith("ip docker-bridges nat-postrouting-out__" + BRIDGE)
                && SNAT_RULE.matcher(k).find()), kernel.toString());
        assertTrue(kernel.keySet().stream().noneMatch(k -> k.contains("nat-postrouting-out__" + BRIDGE)
                && k.contains("masquerade")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /**
     * web's egress, TCP and UDP: the kernel's trace names the SNAT rule's address, conntrack's reply is addressed to it,
     * the server saw it; the replay takes the same rule and rewrites the source to that address (the node's second
     * one, not the primary address masquerade would pick).
     */
    @Test
    void theNetworksEgressIsSnatedToItsHostAddress() throws IOException {
        Set<String> traced = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt")).keySet().stream()
                .map(SNAT_RULE::matcher).filter(Matcher::find).map(m -> m.group(1)).collect(Collectors.toSet());
        assertEquals(1, traced.size(), traced.toString());
        String hostIp = traced.iterator().next();
        assertNotEquals(env("NODE_IP"), hostIp, "the SNAT address is the uplink's second address");
        List<PacketTrace> traces = replay();
        Map<String, String> ct = conntrack();
        List<Matcher> egress = answered("[web] ");
        assertEquals(Set.of("tcp", "udp"), egress.stream().map(m -> m.group(2)).collect(Collectors.toSet()));
        for (Matcher m : egress) {
            int proto = m.group(2).equals("tcp") ? 6 : 17;
            int sport = Integer.parseInt(m.group(6));
            PacketTrace first = first(traces, proto, sport);
            assertEquals(Disposition.FORWARDED, first.disposition(), sport + ": " + first.reason());
            String[] parts = proto == 6 ? new String[] {"tcp sport " + sport, "syn"} : new String[] {"udp sport " + sport};
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), parts),
                    DockerBridgesTrace.replayedSteps(first), "the docker-bridges rules of " + sport + "'s first packet");
            RuleStep snat = lastRule(first, "nat-postrouting-out__" + BRIDGE);
            assertTrue(snat.rule().text().contains("snat to " + hostIp), snat.rule().text());
            var nat = first.nat().orElseThrow();
            String reply = ct.get(m.group(2) + " " + m.group(5) + " " + sport + " " + m.group(3) + " " + m.group(4));
            assertEquals(hostIp, reply.split(" ")[2], "conntrack's reply destination for " + sport);
            assertEquals(hostIp, nat.after().src().toString(), "the replayed source of " + sport);
            assertEquals(reply.split(" ")[3], String.valueOf(nat.after().sport()), "conntrack's reply port for " + sport);
            assertEquals(m.group(7), nat.after().src().toString(), "the source the server saw (probes.txt) for " + sport);
        }
    }

    /** docker0's egress beside it: its MASQUERADE rule, the source the route's primary address, as conntrack holds. */
    @Test
    void docker0sEgressIsMasqueradedToThePrimaryAddress() throws IOException {
        List<PacketTrace> traces = replay();
        Matcher m = answered("[app] tcp ").get(0);
        int sport = Integer.parseInt(m.group(6));
        PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
        assertEquals(Disposition.FORWARDED, syn.disposition(), syn.reason());
        assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                DockerBridgesTrace.replayedSteps(syn));
        assertTrue(lastRule(syn, "nat-postrouting-out__docker0").rule().text().contains("masquerade"));
        String reply = conntrack().get("tcp " + m.group(5) + " " + sport + " " + m.group(3) + " " + m.group(4));
        assertEquals(env("NODE_IP"), reply.split(" ")[2], "conntrack: masqueraded to the primary address");
        assertEquals(reply.split(" ")[2], syn.nat().orElseThrow().after().src().toString());
        assertEquals(m.group(7), syn.nat().orElseThrow().after().src().toString(), "the source the server saw");
    }

    /**
     * The uplink's connections to the published port at either node address: DNATed as conntrack says, and web's
     * replies leave un-DNATed from the address the client asked for, never through the network's SNAT rule.
     */
    @Test
    void thePublishedPortsRepliesAreUnDnatedNotSnated() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = conntrack();
        List<Matcher> published = answered(":8080 from ");
        assertEquals(2, published.stream().map(m -> m.group(3)).distinct().count(), "both node addresses probed");
        for (Matcher m : published) {
            int sport = Integer.parseInt(m.group(6));
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertEquals(Disposition.FORWARDED, syn.disposition(), syn.reason());
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn));
            var nat = syn.nat().orElseThrow();
            assertEquals(ct.get("tcp " + m.group(5) + " " + sport + " " + m.group(3) + " 8080"),
                    nat.after().dst() + " " + nat.after().dport() + " " + nat.after().src() + " " + nat.after().sport());
            assertEquals(m.group(7), nat.after().src().toString(), "web saw the client's own address");
            List<PacketTrace> replies = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                    && t.packet().proto() == 6 && t.packet().dport() == sport).toList();
            assertFalse(replies.isEmpty(), "web's replies to " + sport);
            for (PacketTrace r : replies) {
                assertEquals(Disposition.FORWARDED, r.disposition(), r.reason());
                assertEquals(m.group(3) + ":8080", r.nat().orElseThrow().after().src() + ":"
                        + r.nat().orElseThrow().after().sport(), "reply of " + sport);
                assertTrue(r.kernelSteps().stream().noneMatch(s -> s instanceof RuleStep x
                        && x.rule().chain().startsWith("nat-postrouting")), r.reason());
            }
        }
    }
}
