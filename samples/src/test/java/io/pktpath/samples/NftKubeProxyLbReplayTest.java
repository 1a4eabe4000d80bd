package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-kube-proxy-lb replayed: kube-proxy's nftables mode for LoadBalancer services. The kernel dropped the
 * sources outside loadBalancerSourceRanges in filter-prerouting-pre-dnat (firewall-check → the firewall chain's
 * {@code ip saddr != { … } drop}) before DNAT, let the NodePort of the same service through, kept the client's address
 * for externalTrafficPolicy Local (LB IP, externalIP, NodePort), short-circuited a pod and the node itself to the
 * cluster-wide chain ({@code fib saddr type local} masquerading the node), and dropped traffic to a local-only service
 * without a local endpoint in filter-forward (LB IP) and filter-input (NodePort); pktpath does the same, frame by frame.
 */
class NftKubeProxyLbReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-kube-proxy-lb");
    private static final Pattern CONNTRACK = Pattern.compile(
            "^tcp .* src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) .*");

    /** What conntrack kept of a connection: its endpoint and the source the endpoint answered (the SNAT, if any). */
    private record Kept(String client, int sport, String endpoint, String answeredTo, int answeredPort) {
        /** True when the endpoint answered another address or port than the client's: the connection was SNATed. */
        boolean translated() {
            return !answeredTo.equals(client) || answeredPort != sport;
        }
    }

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** conntrack-L.txt after the traffic, by the connection's original source port. */
    private static Map<Integer, Kept> conntrack() throws IOException {
        Map<Integer, Kept> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = CONNTRACK.matcher(line);
            if (m.matches()) {
                out.put(Integer.parseInt(m.group(3)), new Kept(m.group(1), Integer.parseInt(m.group(3)), m.group(5), m.group(6),
                        Integer.parseInt(m.group(8))));
            }
        }
        return out;
    }

    /** The TCP source ports of the packets whose walk of nft-trace.txt ended at a rule matching {@code rule}. */
    private static List<Integer> kernelDrops(String rule) throws IOException {
        Map<String, Integer> latest = new HashMap<>();
        List<Integer> out = new ArrayList<>();
        Pattern packet = Pattern.compile("^trace id (\\w+) .* packet: .* tcp sport (\\d+) ");
        Pattern drop = Pattern.compile("^trace id (\\w+) ip kube-proxy " + rule + " \\(verdict drop\\)");
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            Matcher p = packet.matcher(line);
            if (p.find()) {
                latest.put(p.group(1), Integer.parseInt(p.group(2)));
            }
            Matcher d = drop.matcher(line);
            if (d.find() && latest.containsKey(d.group(1))) {
                out.add(latest.get(d.group(1)));
            }
        }
        return out;
    }

    private static List<PacketTrace> syns(List<PacketTrace> traces, int sport) {
        Pattern syn = Pattern.compile(":" + sport + " > \\S+ \\[S\\]");
        return traces.stream().filter(t -> syn.matcher(t.packet().info()).find()
                && (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)).toList();
    }

    private static List<String> steps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().chain() + " " + r.rule().text()
                + " => " + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " " + p.verdict() : "")
                .filter(s -> !s.startsWith("raw:")).toList();
    }

    private static boolean walked(PacketTrace t, String chainPrefix, String textPart) {
        return steps(t).stream().anyMatch(s -> s.startsWith(chainPrefix) && s.contains(textPart));
    }

    /** The replayed first packet of connection {@code sport}: forwarded to the endpoint and source conntrack kept. */
    private static void sameAsConntrack(PacketTrace t, Kept kept) {
        String frame = "frame " + t.packet().frame() + " " + t.packet().info();
        assertEquals(Disposition.FORWARDED, t.disposition(), frame + ": " + t.reason());
        assertEquals(kept.endpoint(), t.nat().orElseThrow().after().dst().toString(), frame);
        assertEquals(kept.answeredTo(), t.nat().get().after().src().toString(), frame);
        assertEquals(kept.translated(), t.nat().get().masquerade(), frame);
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= 100, "every packet of nft-trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        // the kernel's ICMP redirects to the uplink for the SYNs routed back out eth0 vanished before any capture: each
        // is tied to the redirect the replay of its SYN sent and nf_nat dropped, and counted in raw OUTPUT
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }

    @Test
    void theSynsRoutedBackOutEth0SendTheUplinkAnIcmpRedirectThatNatOutputDrops() throws IOException {
        int redirects = Integer.parseInt(RecordedBundles.scenarioValue(DIR, "ICMP_REDIRECTS"));
        List<io.pktpath.core.trace.IcmpRedirect> sent = replay().stream().flatMap(t -> t.redirect().stream()).toList();
        assertEquals(redirects, sent.size(), sent.toString());
        for (io.pktpath.core.trace.IcmpRedirect r : sent) {
            assertEquals("172.18.0.1", r.destination().toString());
            assertEquals("172.18.0.2", r.source().toString());
            assertEquals("eth0", r.outIface());
            assertEquals(88, r.length());
            assertTrue(r.dropped(), r.outcome());
        }
    }

    @Test
    void sourcesOutsideTheRangesAreDroppedByTheFirewallChainBeforeDnatAsTheKernelDid() throws IOException {
        Map<String, String> env = RecordedBundles.scenarioEnv(DIR);
        String fw = env.get("FW_CHAIN");
        List<Integer> kernel = kernelDrops(Pattern.quote(fw) + " rule ip saddr != \\{ [^}]* \\} drop");
        assertEquals(Integer.parseInt(env.get("FIREWALL_DROPS")), kernel.size());
        assertEquals(List.of(48003, 48003, 48004, 48004), kernel, "the denied source's and the pod's SYNs, each sent twice");
        List<PacketTrace> traces = replay();
        List<PacketTrace> dropped = new ArrayList<>(syns(traces, 48003));
        dropped.addAll(syns(traces, 48004));
        assertEquals(kernel.size(), dropped.size());
        for (PacketTrace t : dropped) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.packet().info());
            assertTrue(t.reason().contains(fw), t.reason());
            assertTrue(t.nat().isEmpty(), "dropped at prerouting -110, before the nat chains: " + t.nat());
            assertTrue(walked(t, "filter-prerouting-pre-dnat", "jump firewall-check"), steps(t).toString());
            assertTrue(walked(t, "firewall-check", "=> GOTO:" + fw), steps(t).toString());
        }
        Map<Integer, Kept> kept = conntrack();
        assertFalse(kept.containsKey(48003) || kept.containsKey(48004), "the kernel kept no entry for them");
        for (int sport : List.of(48001, 48002)) {
            PacketTrace t = syns(traces, sport).get(0);
            sameAsConntrack(t, kept.get(sport));
            assertTrue(walked(t, "firewall-check", "=> GOTO:" + fw), "the allowed source is checked too");
            assertFalse(walked(t, fw, "drop"), steps(t).toString());
        }
    }

    @Test
    void theNodePortOfTheSameServiceIsNotSubjectToTheSourceRanges() throws IOException {
        PacketTrace t = syns(replay(), 48005).get(0);
        assertEquals(RecordedBundles.scenarioEnv(DIR).get("DENIED_SOURCE"), conntrack().get(48005).client());
        sameAsConntrack(t, conntrack().get(48005));
        String fw = RecordedBundles.scenarioEnv(DIR).get("FW_CHAIN");
        assertFalse(steps(t).stream().anyMatch(s -> s.startsWith(fw)),
                "firewall-ips is keyed by the LB IP: " + steps(t));
    }

    @Test
    void externalTrafficPolicyLocalKeepsTheClientsAddressForTheLbIpTheExternalIpAndTheNodePort() throws IOException {
        List<PacketTrace> traces = replay();
        String external = RecordedBundles.scenarioEnv(DIR).get("LOCAL_EXTERNAL_CHAIN");
        Map<Integer, Kept> kept = conntrack();
        for (int sport : List.of(48011, 48012, 48013, 48014)) {
            PacketTrace t = syns(traces, sport).get(0);
            assertFalse(kept.get(sport).translated(), "the kernel did not masquerade it");
            sameAsConntrack(t, kept.get(sport));
            assertTrue(walked(t, external, "goto local-"), steps(t).toString());
            assertFalse(walked(t, external, "short-circuit"), "neither a pod nor a local source: " + steps(t));
        }
    }

    @Test
    void aPodIsShortCircuitedToTheClusterWideChainAndTheNodeIsMasqueradedByFibSaddrTypeLocal() throws IOException {
        List<PacketTrace> traces = replay();
        String external = RecordedBundles.scenarioEnv(DIR).get("LOCAL_EXTERNAL_CHAIN");
        Map<Integer, Kept> kept = conntrack();
        PacketTrace pod = syns(traces, 48021).get(0);
        sameAsConntrack(pod, kept.get(48021));
        assertTrue(walked(pod, external, "short-circuit pod traffic\" => GOTO:service-"), steps(pod).toString());
        for (int sport : List.of(48031, 48032)) {
            // the node's SYN was captured as it left, DNATed and masqueraded: found by its original tuple
            PacketTrace t = traces.stream().filter(x -> x.role() == FrameRole.LOCAL_OUT && x.packet().info().contains("[S]")
                    && x.nat().isPresent() && x.nat().get().before().toString().startsWith("172.18.0.2:" + sport + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("the node's SYN from port " + sport));
            assertTrue(kept.get(sport).translated(), "the kernel masqueraded it (fully-random: a new port)");
            assertEquals(kept.get(sport).endpoint(), t.nat().orElseThrow().after().dst().toString());
            assertEquals(kept.get(sport).answeredTo(), t.nat().get().after().src().toString());
            assertTrue(t.nat().get().masquerade(), "fib saddr type local jump mark-for-masquerade: " + steps(t));
            assertTrue(walked(t, external, "fib saddr type local jump mark-for-masquerade"), steps(t).toString());
            assertTrue(walked(t, external, "short-circuit local traffic\" => GOTO:service-"), steps(t).toString());
        }
    }

    @Test
    void aLocalOnlyServiceWithoutALocalEndpointIsDroppedInFilterForwardAndFilterInput() throws IOException {
        Map<String, String> env = RecordedBundles.scenarioEnv(DIR);
        List<Integer> forward = kernelDrops("service-endpoints-check rule .*vmap @no-endpoint-services");
        List<Integer> input = kernelDrops("nodeport-endpoints-check rule .*vmap @no-endpoint-nodeports");
        assertEquals(Integer.parseInt(env.get("NO_LOCAL_FORWARD_DROPS")), forward.size());
        assertEquals(Integer.parseInt(env.get("NO_LOCAL_INPUT_DROPS")), input.size());
        List<PacketTrace> traces = replay();
        for (int sport : forward) {
            assertEquals(48041, sport);
        }
        for (int sport : input) {
            assertEquals(48042, sport);
        }
        List<PacketTrace> lb = syns(traces, 48041);
        List<PacketTrace> nodePort = syns(traces, 48042);
        assertEquals(forward.size(), lb.size());
        assertEquals(input.size(), nodePort.size());
        String nolocal = env.get("NOLOCAL_EXTERNAL_CHAIN");
        for (PacketTrace t : lb) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
            assertTrue(t.reason().contains("service-endpoints-check"), t.reason());
            assertTrue(t.nat().isEmpty(), "the external chain fell through without DNAT");
            assertTrue(steps(t).stream().anyMatch(s -> s.startsWith("services ") && s.contains("GOTO:" + nolocal)),
                    steps(t).toString());
            assertTrue(walked(t, "filter-forward", "jump service-endpoints-check"), steps(t).toString());
        }
        for (PacketTrace t : nodePort) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
            assertTrue(t.reason().contains("nodeport-endpoints-check"), t.reason());
            assertTrue(walked(t, "filter-input", "jump nodeport-endpoints-check"), steps(t).toString());
        }
    }
}
