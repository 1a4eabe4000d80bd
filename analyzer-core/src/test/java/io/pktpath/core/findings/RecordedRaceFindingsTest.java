package io.pktpath.core.findings;

import static io.pktpath.core.findings.SampleBundles.codes;
import static io.pktpath.core.findings.SampleBundles.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two conntrack races on the recorded bundles where the kernel reproduced them, and their negatives. */
class RecordedRaceFindingsTest {

    @Test
    void udpInsertRaceOnKernel618IsResolvedAndSaysSo() {
        AnalysisResult r = SampleBundles.analyze("conntrack-race-udp");
        Finding f = only(r, Codes.RACE_UDP_INSERT);
        assertEquals(FindingSeverity.WARNING, f.severity());
        assertEquals("UDP conntrack insert race: 13 same-tuple pair(s) to 10.96.0.50:53, resolved by the kernel (no loss)",
                f.title());
        assertEquals(List.of(27L, 28L, 91L, 93L), f.frames().subList(0, 4));
        assertTrue(f.evidence().contains("10.244.1.2:53671 -> 10.96.0.50:53: frames 27 and 28, 0 µs apart; frame 28 left "
                + "on caliea7a6469294 as 10.244.1.2:53671 -> 10.244.1.3:5353, a different endpoint than frame 27"),
                f.evidence().toString());
        assertTrue(f.evidence().contains("DNAT of 10.96.0.50:53 is random: 10.244.1.3:5353 (p=0.50), 10.244.1.4:5353 "
                + "(p=0.50); each datagram of a pair may pick a different endpoint"));
        assertTrue(f.evidence().contains("5 pair(s) were sent to two different endpoints (the capture shows the second "
                + "datagram leaving towards the other endpoint)"));
        assertTrue(f.evidence().contains("conntrack -S (change over the capture, summed over CPUs): insert_failed +0, "
                + "drop +0, clash_resolve +8"));
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("kernel 6.18.44-fc-v669 (5.6+): a clash with a "
                + "different DNAT choice is resolved")));
        assertTrue(f.fix().contains("single-request-reopen") && f.fix().contains("use-vc")
                && f.fix().contains("NodeLocal DNSCache"));
        assertTrue(f.confidence().startsWith("high: the kernel's own counters moved"));
        assertFalse(codes(r).contains(Codes.UNANSWERED), "the split pairs' replies are explained by the race: " + codes(r));
        assertFalse(codes(r).contains(Codes.REPLAY_MISMATCH), codes(r).toString());
    }

    @Test
    void udpRaceOnAnOldKernelIsAnErrorThatNamesTheDroppingCase(@TempDir Path tmp) throws Exception {
        Path dir = SampleBundles.copy("conntrack-race-udp", tmp);
        SampleBundles.replaceInFiles(dir, "uname.txt", "6.18.44-fc-v669", "5.4.0-150-generic");
        Finding f = only(SampleBundles.analyze(dir), Codes.RACE_UDP_INSERT);
        assertEquals(FindingSeverity.ERROR, f.severity());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("kernel 5.4.0-150-generic (5.0-5.5): a clash is "
                + "resolved only when both datagrams got the same DNAT choice")), f.evidence().toString());
    }

    @Test
    void noUdpRaceWithoutSameTuplePairs() {
        AnalysisResult r = SampleBundles.analyze("clusterip-udp");
        assertFalse(codes(r).contains(Codes.RACE_UDP_INSERT), codes(r).toString());
    }

    @Test
    void snatPortCollisionShowsTheFourLostDatagrams() {
        AnalysisResult r = SampleBundles.analyze("snat-port-race");
        Finding f = only(r, Codes.SNAT_PORT_COLLISION);
        assertEquals(FindingSeverity.ERROR, f.severity());
        assertEquals("SNAT port collision: 4 packet(s) lost when two connections raced for one NAT port", f.title());
        assertEquals(List.of(23L, 24L, 36L, 37L, 41L, 42L, 54L, 55L), f.frames());
        assertEquals(List.of("nat POSTROUTING #1 (iptables-save.txt:12): -A POSTROUTING -s 10.244.0.0/16 ! -d "
                + "10.244.0.0/16 -j MASQUERADE"), f.rules());
        assertTrue(f.evidence().contains("frame 23 (cali1d665b9b146 in: UDP 10.244.1.3:51002 > 172.18.0.1:5300 len 7) and "
                + "frame 24 (caliec6ef230f18 in: UDP 10.244.1.2:51002 > 172.18.0.1:5300 len 7), 2 µs apart, both to "
                + "172.18.0.1:5300 from port 51002 via 172.18.0.2; only frame 25 (172.18.0.2:51002 > 172.18.0.1:5300) "
                + "left the node"), f.evidence().toString());
        assertTrue(f.evidence().contains("conntrack -S (change over the capture, summed over CPUs): insert_failed +4, "
                + "drop +4, clash_resolve +0"));
        assertTrue(f.fix().startsWith("Add --random-fully"));
        Finding exposure = only(r, Codes.SNAT_PORT_EXPOSURE);
        assertEquals(List.of("rule nat POSTROUTING #1 (iptables-save.txt:12) has no --random-fully: -A POSTROUTING -s "
                + "10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE",
                "2 sources (10.244.1.2, 10.244.1.3) connect to 172.18.0.1:5300 through this rule"), exposure.evidence());
    }

    @Test
    void randomFullyRemovesTheExposureAndTheCollision(@TempDir Path tmp) throws Exception {
        Path dir = SampleBundles.copy("snat-port-race", tmp);
        SampleBundles.replaceInFiles(dir, "iptables-save*.txt", "-j MASQUERADE", "-j MASQUERADE --random-fully");
        AnalysisResult r = SampleBundles.analyze(dir);
        assertFalse(codes(r).contains(Codes.SNAT_PORT_EXPOSURE), codes(r).toString());
        assertFalse(codes(r).contains(Codes.SNAT_PORT_COLLISION), codes(r).toString());
    }

    @Test
    void nftsFullyRandomFlagIsNoExposureAndItsAbsenceIs(@TempDir Path tmp) throws Exception {
        // kube-proxy's nftables mode masquerades the uplink's, another source's and the node's connections to web1
        assertFalse(codes(SampleBundles.analyze("nft-kube-proxy-lb")).contains(Codes.SNAT_PORT_EXPOSURE),
                "masquerade fully-random");
        Path dir = SampleBundles.copy("nft-kube-proxy-lb", tmp);
        SampleBundles.replaceInFiles(dir, "nft-*.txt", "masquerade fully-random", "masquerade random");
        Finding exposure = only(SampleBundles.analyze(dir), Codes.SNAT_PORT_EXPOSURE);
        assertTrue(exposure.title().contains("ip kube-proxy masquerading #3"), exposure.title());
        assertTrue(SnatTracker.fullyRandom("masquerade random,fully-random"));
        assertFalse(SnatTracker.fullyRandom("snat to 10.0.0.1 random"));
    }

    @Test
    void masqueradeWithOneSourcePerDestinationIsNoExposure() {
        AnalysisResult r = SampleBundles.analyze("pod-egress-masq");
        assertFalse(codes(r).contains(Codes.SNAT_PORT_EXPOSURE), codes(r).toString());
        assertFalse(codes(r).contains(Codes.SNAT_PORT_COLLISION), codes(r).toString());
    }

    @Test
    void nftsFullyRandomFlagIsRandomFullyAsIptablesWritesIt() {
        assertTrue(SnatTracker.fullyRandom("-A POSTROUTING -j MASQUERADE --random-fully"));
        assertTrue(SnatTracker.fullyRandom("masquerade fully-random"));
        assertTrue(SnatTracker.fullyRandom("ip saddr 10.244.0.0/16 masquerade to :1024-65535 fully-random,persistent"));
        assertTrue(SnatTracker.fullyRandom("snat to 172.18.0.2 persistent,fully-random comment \"x\""));
        assertFalse(SnatTracker.fullyRandom("masquerade random"));
        assertFalse(SnatTracker.fullyRandom("-A POSTROUTING -j MASQUERADE"));
        assertFalse(SnatTracker.fullyRandom("masquerade comment \"not-fully-random\""));
    }

    @Test
    void aNativeMasqueradeFullyRandomIsNoExposureAndWithoutTheFlagItIs(@TempDir Path tmp) throws Exception {
        // flannel-nft: kube-proxy's nft masquerading (`masquerade fully-random`) mapped the remote node's NodePort
        // connection and the node's own ClusterIP connection, both to 10.244.2.5:8080, to flannel.1's address
        AnalysisResult recorded = SampleBundles.analyze("flannel-nft");
        assertFalse(codes(recorded).contains(Codes.SNAT_PORT_EXPOSURE), codes(recorded).toString());
        Path dir = SampleBundles.copy("flannel-nft", tmp);
        SampleBundles.replaceInFiles(dir, "nft-ruleset.txt", "masquerade fully-random", "masquerade");
        Finding exposure = only(SampleBundles.analyze(dir), Codes.SNAT_PORT_EXPOSURE);
        assertTrue(exposure.evidence().contains("2 sources (172.18.0.1, 172.18.0.2) connect to 10.244.2.5:8080 through "
                + "this rule"), exposure.evidence().toString());
        assertTrue(exposure.title().contains("ip kube-proxy masquerading #3"), exposure.title());
    }
}
