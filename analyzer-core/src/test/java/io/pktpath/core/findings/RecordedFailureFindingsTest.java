package io.pktpath.core.findings;

import static io.pktpath.core.findings.SampleBundles.codes;
import static io.pktpath.core.findings.SampleBundles.only;
import static io.pktpath.core.findings.SampleBundles.withCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure of the recorded bundles gets its cause; the bundles where the same traffic works get none. */
class RecordedFailureFindingsTest {

    @Test
    void serviceWithoutEndpointsNamesTheServiceAndTheIcmpSentBack() {
        AnalysisResult r = SampleBundles.analyze("no-endpoints-reject");
        List<Finding> list = withCode(r, Codes.SERVICE_NO_ENDPOINTS);
        assertEquals(List.of("Service without endpoints: 1 connection attempt(s) rejected (default/gone:http)",
                "Service without endpoints: 1 connection attempt(s) rejected (default/gone:dns)",
                "Service without endpoints: 1 connection attempt(s) rejected (default/gone:http)"),
                list.stream().map(Finding::title).toList());
        assertEquals(List.of(3L), list.get(0).frames());
        assertTrue(list.get(0).evidence().contains("sent back: frame 4 (cali62608e08adc out: ICMP 172.18.0.2 > 10.244.1.2 "
                + "unreachable port (quoting TCP 10.244.1.2:58848 > 10.96.0.30:80))"), list.get(0).evidence().toString());
        assertEquals(List.of("filter KUBE-SERVICES #1 (iptables-save.txt:33): -A KUBE-SERVICES -d 10.96.0.30/32 -p tcp -m "
                + "comment --comment \"default/gone:http has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with "
                + "icmp-port-unreachable"), list.get(0).rules());
        assertFalse(codes(r).contains(Codes.REJECT), codes(r).toString());
    }

    @Test
    void etpLocalDropOnlyWhereTheNodeHasNoLocalEndpoint() {
        Finding f = only(SampleBundles.analyze("etp-local-drop"), Codes.ETP_LOCAL_NO_ENDPOINT);
        assertEquals("externalTrafficPolicy=Local service has no endpoint on this node: 4 packet(s) dropped "
                + "(default/web-local:http)", f.title());
        assertEquals(List.of(3L, 4L, 5L, 6L), f.frames());
        AnalysisResult ok = SampleBundles.analyze("nodeport-etp-local-ok");
        assertFalse(codes(ok).contains(Codes.ETP_LOCAL_NO_ENDPOINT), codes(ok).toString());
    }

    @Test
    void loadBalancerSourceRangeDropNamesTheServiceTheSourcesAndTheFirewallChain() {
        AnalysisResult r = SampleBundles.analyze("loadbalancer-firewall");
        Finding f = only(r, Codes.LB_SOURCE_RANGE_DENIED);
        assertEquals("Source not in loadBalancerSourceRanges: 4 packet(s) to the LoadBalancer IP dropped "
                + "(default/lb-fw:http)", f.title());
        assertEquals(List.of(47L, 48L, 137L, 138L), f.frames());
        assertTrue(f.evidence().contains("sources: 172.18.0.11 (2 packets from frame 47), 10.244.1.2 (2 packets from "
                + "frame 137)"), f.evidence().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("nat KUBE-FW-MYP2PR5XRK3L7K6E sends only sources "
                + "inside loadBalancerSourceRanges")), f.evidence().toString());
        assertTrue(f.fix().contains("spec.loadBalancerSourceRanges"), f.fix());
        assertFalse(codes(r).contains(Codes.DROP_RULE), codes(r).toString());
        assertEquals("externalTrafficPolicy=Local service has no endpoint on this node: 2 packet(s) dropped "
                + "(default/lb-local:http)", only(r, Codes.ETP_LOCAL_NO_ENDPOINT).title());
    }

    @Test
    void hairpinWithoutMasqueradeAndItsMasqueradedTwin() {
        AnalysisResult r = SampleBundles.analyze("hairpin-nomasq");
        Finding f = only(r, Codes.HAIRPIN_NO_MASQ);
        assertEquals("Hairpin without masquerade: 10.244.1.3:8080 reaches itself through a service and gets no answer",
                f.title());
        assertEquals(List.of("9 frames (first: 3, 5, 7, 9, 11, 15, 17, 19, ...): source and destination are both "
                + "10.244.1.3 after DNAT, and no MASQUERADE/SNAT changed the source",
                "frame 3 was addressed to 10.96.0.20:80 and DNATed to 10.244.1.3:8080"), f.evidence().subList(0, 2));
        assertFalse(codes(r).contains(Codes.SYN_RETRANSMIT), "the repeats belong to the hairpin: " + codes(r));
        assertFalse(codes(r).contains(Codes.UNANSWERED), codes(r).toString());
        AnalysisResult masq = SampleBundles.analyze("hairpin-masq");
        assertFalse(codes(masq).contains(Codes.HAIRPIN_NO_MASQ), codes(masq).toString());
    }

    @Test
    void forwardPolicyDropOfTheEstablishedReplies() {
        Finding f = only(SampleBundles.analyze("forward-drop-established"), Codes.FORWARD_POLICY_DROP);
        assertEquals("4 forwarded packet(s) dropped by the FORWARD chain's DROP policy", f.title());
        assertEquals(List.of(49L, 50L, 51L, 52L), f.frames());
        assertEquals(List.of("filter FORWARD policy: :FORWARD DROP"), f.rules());
    }

    @Test
    void routeErrorsOnePerRouteInSeverityThenFrameOrder() {
        AnalysisResult r = SampleBundles.analyze("route-errors");
        assertEquals(List.of(Codes.NO_ROUTE, Codes.ROUTE_UNREACHABLE, Codes.ROUTE_BLACKHOLE, Codes.ROUTE_PROHIBIT),
                codes(r));
        Finding blackhole = only(r, Codes.ROUTE_BLACKHOLE);
        assertEquals("3 packet(s) silently dropped by a blackhole route: blackhole 10.61.0.0/24", blackhole.title());
        assertEquals(List.of(15L, 42L, 43L), blackhole.frames());
        assertEquals(List.of("table main (ip rule 32766): blackhole 10.61.0.0/24"), blackhole.rules());
        assertEquals(List.of(9L, 38L), only(r, Codes.NO_ROUTE).frames());
    }

    @Test
    void failedNeighborIsProvedByTheHostUnreachables() {
        AnalysisResult r = SampleBundles.analyze("neigh-failed");
        Finding f = only(r, Codes.NEIGHBOR_FAILED);
        assertEquals("Next hop 172.18.0.77 dev eth0 never answered ARP/NDP: 5 packet(s) dropped with ICMP host "
                + "unreachable", f.title());
        assertEquals(List.of(3L, 8L, 13L, 15L, 19L), f.frames());
        assertTrue(f.evidence().contains("the node answered: frame 7 (cali62608e08adc out: ICMP 172.18.0.2 > 10.244.1.2 "
                + "unreachable host (quoting UDP 10.244.1.2:46001 > 172.18.0.77:6200))"), f.evidence().toString());
        assertFalse(codes(r).contains(Codes.ICMP_ERROR), "every host unreachable is explained: " + codes(r));
        assertFalse(codes(r).contains(Codes.UNANSWERED), codes(r).toString());
    }

    @Test
    void kernelChecks() {
        Finding rp = only(SampleBundles.analyze("rp-filter-drop"), Codes.RP_FILTER);
        assertEquals(List.of(11L, 16L, 17L), rp.frames());
        assertTrue(rp.rules().get(0).contains("strict: route back to 10.244.1.3 leaves via cali795f3202b17, not eth0"),
                rp.rules().toString());
        Finding fwd = only(SampleBundles.analyze("ip-forward-off"), Codes.FORWARDING_OFF);
        assertEquals(List.of(3L, 4L, 5L, 6L), fwd.frames());
        assertEquals("4 packet(s) dropped: IP forwarding is off on the input interface", fwd.title());
    }

    @Test
    void invalidPacketsDroppedAndTheStrayOneAnsweredWithRst() {
        AnalysisResult r = SampleBundles.analyze("invalid-drop");
        Finding drop = only(r, Codes.INVALID_DROP);
        assertEquals(List.of(3L, 4L, 5L, 6L, 15L), drop.frames());
        assertEquals(List.of("filter KUBE-FORWARD #1 (iptables-save.txt:13): -A KUBE-FORWARD -m conntrack --ctstate "
                + "INVALID -j DROP"), drop.rules());
        Finding rst = only(r, Codes.OUT_OF_WINDOW_RST);
        assertEquals(List.of(7L, 13L), rst.frames());
        assertEquals(List.of("frame 7 (eth0 in: TCP 172.18.0.1:44001 > 10.244.1.2:80 [.] seq 1000 ack 5000 len 0) matched "
                + "no connection conntrack knew (picked up mid-stream or INVALID) and passed; the peer answered with "
                + "frame 13 (cali2567a5ec970 in: TCP 10.244.1.2:80 > 172.18.0.1:44001 [R] seq 5000 len 0)"), rst.evidence());
    }

    @Test
    void bridgeNfOffExplainsBridgedFramesInsteadOfCallingThemDrops() {
        AnalysisResult off = SampleBundles.analyze("bridge-nf-off");
        Finding f = only(off, Codes.BRIDGE_NF_OFF);
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals("net.bridge.bridge-nf-call-iptables = 0: IPv4 frames bridged between ports of br-pkp bypass "
                + "iptables entirely (no FORWARD, no conntrack, no NAT)", f.evidence().get(0));
        assertFalse(codes(off).contains(Codes.FORWARD_POLICY_DROP), codes(off).toString());
        AnalysisResult on = SampleBundles.analyze("bridge-nf-on");
        assertFalse(codes(on).contains(Codes.BRIDGE_NF_OFF), codes(on).toString());
        assertEquals(List.of(6L, 7L, 8L), only(on, Codes.DROP_RULE).frames());
    }

    @Test
    void redirectOnAnInterfaceWithoutAddressIsADropByThatRule() {
        List<Finding> drops = withCode(SampleBundles.analyze("redirect-proxy"), Codes.DROP_RULE);
        assertEquals(List.of(List.of(71L, 72L), List.of(73L)), drops.stream().map(Finding::frames).toList());
        assertTrue(drops.get(0).rules().get(0).startsWith("nat PREROUTING #1 (iptables-save.txt:23)"),
                drops.get(0).rules().toString());
        assertTrue(drops.get(1).rules().get(0).startsWith("nat PREROUTING #2 (iptables-save.txt:24)"),
                drops.get(1).rules().toString());
    }

    @Test
    void rejectsShowWhatWasSentBack() {
        List<Finding> rejects = withCode(SampleBundles.analyze("reject-icmp-tcp"), Codes.REJECT);
        assertEquals(5, rejects.size());
        assertEquals(List.of(27L, 31L, 33L, 35L, 37L), rejects.stream().map(f -> f.frames().get(0)).toList());
        assertTrue(rejects.get(1).evidence().contains("sent back: frame 32 (eth0 out: TCP 10.244.1.2:25 > "
                + "172.18.0.1:43002 [R.] seq 0 ack 950933534 len 0)"), rejects.get(1).evidence().toString());
        assertTrue(rejects.get(0).evidence().contains("sent back: frame 28 (eth0 out: ICMP 172.18.0.2 > 172.18.0.1 "
                + "unreachable port (quoting UDP 172.18.0.1:43001 > 10.244.1.2:53))"));
    }

    @Test
    void aWorkingBundleHasNoFindings() {
        AnalysisResult r = SampleBundles.analyze("clusterip-tcp");
        assertEquals(List.of(), codes(r));
    }
}
