package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.trace.Alternative;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-kube-proxy replayed: kube-proxy's nftables mode (table ip kube-proxy, loaded with nft -f) beside an
 * iptables nat POSTROUTING MASQUERADE. The kernel's nft monitor trace (nft-trace.txt) shows each new connection's first
 * packet walk nat-prerouting → services → the service chain's numgen map → an endpoint chain's dnat; the uplink's
 * connections marked and masqueraded by kube-proxy's nat-postrouting after iptables' nat POSTROUTING; the pod's egress
 * masqueraded by iptables' rule with kube-proxy's nat-postrouting never walked; the service without endpoints and the
 * ClusterIP's other port rejected in filter-forward. pktpath does the same step for step, lists both endpoints as
 * alternatives of 1/2 each and takes the one the capture shows.
 */
class NftKubeProxyReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-kube-proxy");

    private static List<String> steps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().table() + ":" + r.rule().chain()
                + " " + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " " + p.verdict() : "")
                .filter(s -> !s.startsWith("raw:")).toList();
    }

    private static List<PacketTrace> replay() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        return CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
    }

    private static List<PacketTrace> syns(List<PacketTrace> traces, String to) {
        return traces.stream().filter(t -> t.packet().info().contains(to + " [S]")
                && t.role() == io.pktpath.core.trace.FrameRole.INGRESS).toList();
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= 140, "every packet of nft-trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        // the kernel's ICMP redirects to web1 after its hairpin SYNs vanished before any capture: each is tied to the
        // redirect the replay of its SYN sent and nf_nat dropped at nat OUTPUT, and counted in raw OUTPUT
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }

    @Test
    void eachHairpinSynSendsWeb1AnIcmpRedirectThatNatOutputDropsAsTheKernelTracedIt() throws IOException {
        Set<String> kernel = new TreeSet<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            if (line.contains(" ip raw OUTPUT packet: ") && line.contains("icmp type redirect")) {
                kernel.add(line.split(" ")[2]);
            }
        }
        List<PacketTrace> redirected = replay().stream().filter(t -> t.redirect().isPresent()).toList();
        assertEquals(kernel.size(), redirected.size(), kernel.toString());
        for (PacketTrace t : redirected) {
            io.pktpath.core.trace.IcmpRedirect r = t.redirect().get();
            assertEquals("10.244.1.3", r.destination().toString());
            assertEquals("10.244.1.3", t.nat().orElseThrow().after().dst().toString(), "a hairpin: back to web1");
            assertEquals("calie694aa37abf", r.outIface());
            assertTrue(r.dropped(), r.outcome());
        }
    }

    @Test
    void eachClusterIpConnectionIsDnatedByTheEndpointChainTheNumgenMapChoseWithBothAlternativesAtOneHalf()
            throws IOException {
        List<PacketTrace> traces = replay();
        List<PacketTrace> syns = syns(traces, "> 10.96.0.10:80");
        List<PacketTrace> fromPod = syns.stream().filter(t -> t.packet().info().contains("10.244.1.2:")
                && !t.packet().info().contains("10.244.1.2:45010 ")).toList();
        assertEquals(4, fromPod.size(), "the client's 4 connections");
        for (PacketTrace t : fromPod) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            List<String> s = steps(t);
            assertEquals(List.of("ip kube-proxy:filter-prerouting-pre-dnat JUMP:firewall-check",
                    "ip kube-proxy:filter-prerouting-pre-dnat POLICY:ACCEPT", "ip pkp-early:pre POLICY:ACCEPT",
                    "nat:PREROUTING POLICY:ACCEPT", "ip kube-proxy:nat-prerouting JUMP:services"), s.subList(0, 5),
                    "the nat chains by priority: pkp-early (-110), then iptables' and kube-proxy's (-100), iptables' first");
            assertTrue(s.get(5).startsWith("ip kube-proxy:services GOTO:service-"), s.toString());
            assertTrue(s.get(6).matches("ip kube-proxy:service-\\S+ GOTO:endpoint-\\S+"), s.toString());
            assertTrue(s.get(7).matches("ip kube-proxy:endpoint-\\S+ ACCEPT"), "dnat to: " + s);
            String endpoint = t.nat().orElseThrow().after().dst().toString();
            assertTrue(Set.of("10.244.1.3", "10.244.1.4").contains(endpoint), endpoint);
            assertFalse(t.nat().get().masquerade(), "the client is in the pod CIDR");
            Set<String> alternatives = new TreeSet<>();
            for (Alternative a : t.alternatives()) {
                assertEquals(0.5, a.probability(), 1e-9, a.choice());
                alternatives.add(a.nat().orElseThrow().after().dst().toString());
            }
            assertEquals(Set.of("10.244.1.3", "10.244.1.4"), alternatives, "numgen random mod 2: both endpoints");
        }
        List<PacketTrace> dns = traces.stream().filter(t -> t.packet().info().contains("> 10.96.0.20:53")
                && t.disposition() == Disposition.FORWARDED).toList();
        assertEquals(3, dns.size(), "the 3 UDP requests");
        assertTrue(dns.stream().allMatch(t -> t.nat().orElseThrow().after().dport() == 5353));
    }

    @Test
    void theUplinksConnectionsAreMasqueradedByKubeProxysChainAfterIptablesNatPostrouting() throws IOException {
        List<PacketTrace> traces = replay();
        List<PacketTrace> external = new ArrayList<>(syns(traces, "> 10.96.0.10:80"));
        external.addAll(syns(traces, "> 172.18.0.2:30080"));
        external.removeIf(t -> !t.packet().info().contains("172.18.0.1:"));
        assertEquals(4, external.size(), "2 to the ClusterIP, 2 to the NodePort");
        for (PacketTrace t : external) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            assertTrue(t.nat().orElseThrow().masquerade());
            assertEquals("172.18.0.2", t.nat().get().after().src().toString());
            List<String> s = steps(t);
            int iptables = s.indexOf("nat:POSTROUTING POLICY:ACCEPT");
            int kubeProxy = s.indexOf("ip kube-proxy:nat-postrouting JUMP:masquerading");
            assertTrue(iptables >= 0 && kubeProxy > iptables, s.toString());
            assertEquals("ip kube-proxy:masquerading ACCEPT", s.get(s.size() - 1), "masquerade fully-random mapped");
        }
    }

    @Test
    void thePodsEgressIsMasqueradedByIptablesAndKubeProxysNatChainIsNotWalked() throws IOException {
        PacketTrace syn = syns(replay(), "> 172.18.0.1:9000").get(0);
        List<String> s = steps(syn);
        assertEquals("nat:POSTROUTING ACCEPT", s.get(s.size() - 1), s.toString());
        assertTrue(s.stream().noneMatch(x -> x.startsWith("ip kube-proxy:nat-postrouting")), s.toString());
        assertEquals("172.18.0.2", syn.nat().orElseThrow().after().src().toString());
    }

    @Test
    void theEarlierNatChainMapsFirstAndTheLaterNatChainsAreNotWalked() throws IOException {
        PacketTrace syn = syns(replay(), "10.244.1.2:45010 > 10.96.0.10:80").get(0);
        List<String> s = steps(syn);
        assertEquals(List.of("ip kube-proxy:filter-prerouting-pre-dnat JUMP:firewall-check",
                "ip kube-proxy:filter-prerouting-pre-dnat POLICY:ACCEPT", "ip pkp-early:pre ACCEPT"), s.subList(0, 3));
        assertTrue(s.stream().noneMatch(x -> x.startsWith("nat:PREROUTING") || x.startsWith("ip kube-proxy:nat-prerouting")
                || x.startsWith("ip kube-proxy:services")), s.toString());
        assertEquals("10.244.1.2:45010 -> 10.244.1.3:8080", syn.nat().orElseThrow().after().toString());
        assertEquals(List.of(), syn.alternatives(), "no numgen draw: kube-proxy's chains never saw it");
    }

    @Test
    void theNodesOwnConnectionsGoThroughNatOutputAndAreMasqueraded() throws IOException {
        List<PacketTrace> local = replay().stream().filter(t -> t.role() == io.pktpath.core.trace.FrameRole.LOCAL_OUT
                && t.packet().info().contains("[S]") && t.nat().isPresent()
                && t.nat().get().before().toString().endsWith("-> 10.96.0.10:80")).toList();
        assertEquals(2, local.size(), "the node's 2 connections");
        for (PacketTrace t : local) {
            List<String> s = steps(t);
            assertTrue(s.contains("ip kube-proxy:nat-output JUMP:services"), s.toString());
            assertEquals("ip kube-proxy:masquerading ACCEPT", s.get(s.size() - 1), s.toString());
            assertTrue(t.nat().get().masquerade());
            assertEquals("172.18.0.2", t.nat().get().after().src().toString());
        }
    }

    @Test
    void anEndpointReachingItselfThroughItsServiceIsMasqueraded() throws IOException {
        List<PacketTrace> fromWeb1 = syns(replay(), "> 10.96.0.10:80").stream()
                .filter(t -> t.packet().info().contains("10.244.1.3:4503")).toList();
        assertEquals(2, fromWeb1.size());
        for (PacketTrace t : fromWeb1) {
            boolean hairpin = t.nat().orElseThrow().after().dst().toString().equals("10.244.1.3");
            assertEquals(hairpin, t.nat().get().masquerade(), "ip saddr <endpoint> jump mark-for-masquerade: " + t.nat());
            assertEquals(hairpin, steps(t).contains("ip kube-proxy:masquerading ACCEPT"), steps(t).toString());
        }
        assertTrue(fromWeb1.stream().anyMatch(t -> t.nat().get().masquerade()), "the recording has a hairpin");
    }

    @Test
    void noEndpointsAndAnotherPortOfAClusterIpAreRejectedInFilterForward() throws IOException {
        List<PacketTrace> traces = replay();
        PacketTrace gone = syns(traces, "> 10.96.0.30:80").get(0);
        assertEquals(Disposition.REJECTED, gone.disposition());
        assertTrue(gone.reason().startsWith("rejected by ip kube-proxy reject-chain rule 1 "), gone.reason());
        PacketTrace other = syns(traces, "> 10.96.0.10:81").get(0);
        assertEquals(Disposition.REJECTED, other.disposition());
        assertTrue(other.reason().startsWith("rejected by ip kube-proxy cluster-ips-check rule 1 "), other.reason());
    }

    @Test
    void noNativeChainIsReportedAndTheAssumptionsSayHowTheNatChainsAreReplayed() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        var result = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { },
                () -> false);
        List<Finding> findings = result.findings();
        assertTrue(findings.stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)), findings.toString());
        assertTrue(result.assumptions().contains("the native nftables nat chains of nft-ruleset.txt (ip kube-proxy "
                + "nat-output, ip kube-proxy nat-postrouting, ip kube-proxy nat-prerouting, ip pkp-early pre) are replayed for a "
                + "connection's first packet with iptables' nat table, in priority order (iptables' first at equal "
                + "priority: which was registered later is not in the bundle), until one maps"),
                result.assumptions().toString());
        assertTrue(Files.readString(DIR.resolve("scenario.env")).contains("TRACE_COMPLETE=no"),
                "xtables-monitor stopped at kube-proxy's first rule: the comparison rests on nft-trace.txt");
    }
}
