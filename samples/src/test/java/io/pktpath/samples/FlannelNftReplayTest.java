package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/flannel-nft replayed: an all-nftables node, kube-proxy's {@code table ip kube-proxy} and flannel's
 * {@code table ip flannel-ipv4} (created later) over flannel's VXLAN overlay. The kernel's nft-trace.txt shows flannel's
 * chains run first at both shared priorities (forward at filter, postrtg at srcnat); the NodePort and the node's
 * ClusterIP connection reach postrtg carrying kube-proxy's mark 0x4000, return there on {@code meta mark 0x00004000
 * return} and are masqueraded by kube-proxy's masquerading to flannel.1's address; the pod's egress is masqueraded
 * fully-random by flannel itself (kube-proxy's nat-postrouting never walked); pod-to-pod and the node's own connections
 * to the remote pod return unNATed. pktpath walks every one of these packets as the kernel did.
 */
class FlannelNftReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("flannel-nft");
    private static final List<PacketTrace> TRACES = new ArrayList<>();
    private static AnalysisResult result;

    @BeforeAll
    static void replay() throws IOException {
        result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.of(DIR.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, TRACES::add, n -> { }, () -> false);
    }

    /** The replay's steps in the native tables (raw's TRACE left out), as "table:chain VERDICT [effects]". */
    private static List<String> steps(PacketTrace t) {
        List<String> out = new ArrayList<>();
        for (TraceStep s : t.kernelSteps()) {
            if (s instanceof RuleStep r && !r.rule().table().equals("raw")) {
                out.add(r.rule().table() + ":" + r.rule().chain() + " " + r.verdict()
                        + (r.effects().isEmpty() ? "" : " " + r.effects()));
            } else if (s instanceof PolicyStep p && !p.table().equals("raw")) {
                out.add(p.table() + ":" + p.chain() + " " + p.verdict());
            }
        }
        return out;
    }

    /** The first packet of the connection the socket opened from {@code sport} (its tuple before this node's NAT). */
    private static PacketTrace first(String proto, int sport) {
        return TRACES.stream().filter(t -> t.packet().info().contains("[S]") || proto.equals("udp"))
                .filter(t -> t.nat().map(n -> n.before().sport()).orElse(t.packet().sport()) == sport)
                .filter(t -> t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                .findFirst().orElseThrow(() -> new AssertionError("no first packet from port " + sport));
    }

    /** The probe line's "saw ADDR:PORT" of the connection from {@code from} (what the remote server saw). */
    private static String seen(String from) throws IOException {
        for (String line : Files.readAllLines(DIR.resolve("probes.txt"))) {
            Matcher m = Pattern.compile(" from " + Pattern.quote(from) + " result=connected reply='.* saw (\\S+)'").matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no probe line from " + from);
    }

    @Test
    void verifyComparesEveryPacketOfTheNftTraceAndFindsThemAllEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertEquals(List.of(), report.untied(), "every traced packet has its frame");
        // xtables-monitor stopped at kube-proxy's first concatenation: the comparison rests on nft-trace.txt, whose
        // packets are the first lines of each trace id at raw PREROUTING or raw OUTPUT (every packet passes one)
        assertTrue(RecordedBundles.scenarioValue(DIR, "TRACE_COMPLETE").equals("no"));
        long traced = Files.readAllLines(DIR.resolve("nft-trace.txt")).stream()
                .filter(l -> l.matches("trace id \\w+ ip raw (PREROUTING|OUTPUT) packet: .*")).count();
        assertEquals(traced, report.compared(), report.text());
        assertEquals(report.compared(), report.equal());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    @Test
    void everyPacketAtFlannelsPostrtgTakesTheKernelsDecision() throws IOException {
        // nft-trace.txt: each packet at postrtg (a connection's first) with its rule lines; keyed by its source port,
        // which DNAT keeps and masquerade only changes after postrtg
        Map<String, List<String>> kernel = new LinkedHashMap<>();
        Map<String, String> latest = new LinkedHashMap<>();
        Pattern packet = Pattern.compile("trace id (\\w+) ip flannel-ipv4 postrtg packet: .* (tcp|udp) sport (\\d+) .*");
        Pattern rule = Pattern.compile("trace id (\\w+) ip flannel-ipv4 postrtg (?:rule (.*) \\(verdict (\\w+)\\)|policy (\\w+)).*");
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            Matcher p = packet.matcher(line);
            if (p.matches()) {
                String key = p.group(2) + " " + p.group(3);
                latest.put(p.group(1), key);
                kernel.put(key, new ArrayList<>());
                continue;
            }
            Matcher r = rule.matcher(line);
            if (r.matches() && latest.containsKey(r.group(1))) {
                kernel.get(latest.get(r.group(1))).add(r.group(2) != null
                        ? r.group(2) + " " + r.group(3).toUpperCase() : "policy " + r.group(4).toUpperCase());
            }
        }
        assertEquals(15, kernel.size(), "README: 8 connections and 7 VXLAN flows met postrtg " + kernel);
        Map<String, List<String>> replayed = new LinkedHashMap<>();
        for (PacketTrace t : TRACES) {
            List<String> at = new ArrayList<>();
            for (TraceStep s : t.path()) {
                if (s instanceof RuleStep r && r.rule().table().equals("ip flannel-ipv4") && r.rule().chain().equals("postrtg")) {
                    at.add(r.rule().text() + " " + r.verdict());
                } else if (s instanceof PolicyStep p && p.table().equals("ip flannel-ipv4") && p.chain().equals("postrtg")) {
                    at.add("policy " + p.verdict().toString().replace("POLICY:", ""));
                }
            }
            if (!at.isEmpty()) {
                int sport = t.nat().map(n -> n.before().sport()).orElse(t.packet().sport());
                replayed.put((t.packet().proto() == 6 ? "tcp " : "udp ") + sport, at);
            }
        }
        assertEquals(kernel, replayed);
        assertEquals(List.of("meta mark 0x00004000 return RETURN", "policy ACCEPT"), kernel.get("tcp 47002"),
                "the NodePort SYN returned on kube-proxy's mark");
        assertEquals(List.of("ip saddr 10.244.0.0/16 ip daddr != 224.0.0.0/4 masquerade fully-random ACCEPT"),
                kernel.get("tcp 46004"), "the pod's egress masqueraded by flannel");
    }

    @Test
    void theNodePortSynCarriesKubeProxysMarkIntoFlannelsChainAndKubeProxyMasqueradesIt() throws IOException {
        PacketTrace syn = first("tcp", 47002);
        List<String> s = steps(syn);
        int marked = indexOf(s, "ip kube-proxy:mark-for-masquerade CONTINUE [mark 0x0 -> 0x4000]");
        int flannel = indexOf(s, "ip flannel-ipv4:postrtg RETURN");
        int cleared = indexOf(s, "ip kube-proxy:masquerading CONTINUE [mark 0x4000 -> 0x0]");
        assertTrue(marked >= 0 && flannel > marked && cleared > flannel, s.toString());
        assertEquals("ip kube-proxy:masquerading ACCEPT", s.get(s.size() - 1), "masquerade fully-random mapped: " + s);
        assertTrue(syn.nat().orElseThrow().masquerade());
        assertEquals(seen("172.18.0.1:47002"), syn.nat().get().after().src() + ":" + syn.nat().get().after().sport(),
                "masqueraded to flannel.1's address with the port the remote pod saw");
        assertTrue(indexOf(s, "ip flannel-ipv4:forward ACCEPT") < indexOf(s, "ip kube-proxy:filter-forward POLICY:ACCEPT"),
                "flannel's forward (created later) runs before kube-proxy's filter-forward at priority 0: " + s);
    }

    @Test
    void thePodsEgressIsMasqueradedByFlannelAndKubeProxysNatChainIsNotWalked() throws IOException {
        PacketTrace syn = first("tcp", 46004);
        List<String> s = steps(syn);
        assertTrue(s.get(s.size() - 1).startsWith("ip flannel-ipv4:postrtg "), s.toString());
        assertTrue(s.stream().noneMatch(x -> x.startsWith("ip kube-proxy:nat-postrouting")), s.toString());
        String port = RecordedBundles.scenarioValue(DIR, "EGRESS_MASQ_PORT");
        assertEquals("172.18.0.2:" + port, syn.nat().orElseThrow().after().src() + ":" + syn.nat().get().after().sport());
        assertEquals(seen("10.244.1.2:46004"), "172.18.0.2:" + port);
    }

    @Test
    void theNodesOwnConnectionsToTheRemotePodKeepTheirSourceAndItsClusterIpConnectionIsMasqueraded() throws IOException {
        for (String from : List.of("10.244.1.0:47003", "172.18.0.2:47004")) {
            PacketTrace syn = first("tcp", Integer.parseInt(from.substring(from.indexOf(':') + 1)));
            assertEquals(FrameRole.LOCAL_OUT, syn.role());
            assertTrue(syn.nat().isEmpty() || !syn.nat().get().changed(), from + ": " + syn.nat());
            assertEquals(seen(from), from, "the remote pod saw the node's own tuple");
        }
        PacketTrace cip = first("tcp", 47005);
        List<String> s = steps(cip);
        assertTrue(s.contains("ip kube-proxy:nat-output JUMP:services"), s.toString());
        assertTrue(indexOf(s, "ip flannel-ipv4:postrtg RETURN") < indexOf(s, "ip kube-proxy:nat-postrouting JUMP:masquerading"),
                s.toString());
        assertEquals(seen("172.18.0.2:47005"), cip.nat().orElseThrow().after().src() + ":" + cip.nat().get().after().sport());
    }

    @Test
    void theAssumptionsNameTheOrderOfTheChainsThatShareAPriorityAndNoFullyRandomRuleIsAnExposure() {
        assertTrue(result.assumptions().contains("the native nat chains at postrouting priority 100 (IPv4) run in the"
                + " reverse of their order in nft-ruleset.txt (the later created, so registered, first): ip flannel-ipv4"
                + " postrtg, then ip kube-proxy nat-postrouting"), result.assumptions().toString());
        assertTrue(result.assumptions().contains("the native filter chains at forward priority 0 (IPv4) run in the"
                + " reverse of their order in nft-ruleset.txt (the later created, so registered, first): ip flannel-ipv4"
                + " forward, then ip kube-proxy filter-forward"), result.assumptions().toString());
        assertTrue(result.findings().stream().noneMatch(f -> f.code().equals(Codes.SNAT_PORT_EXPOSURE)),
                "both masquerades are fully-random: " + result.findings());
        assertTrue(result.findings().stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)),
                "every native chain is replayed: " + result.findings());
    }

    private static int indexOf(List<String> steps, String prefix) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
