package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/cni-hostport-nft6 replayed: containernetworking/plugins' nftables backends for a dual-stack pod with traffic over
 * IPv6: the portmap plugin's {@code ip6 cni_hostport} (DNAT to {@code [addr]:port}, the hairpin masquerade only, no
 * localhost rule) and the bridge plugin's {@code inet cni_plugins_masquerade}. Every expectation comes from the kernel's
 * recording: nft-trace.txt (the steps of each SYN in the two tables), nft-ruleset.txt (counters), conntrack-L.txt and
 * probes.txt (the source the pod saw).
 */
class CniHostportNft6ReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("cni-hostport-nft6");
    private static final List<String> TABLES = List.of("ip6 cni_hostport", "inet cni_plugins_masquerade");
    private static final Pattern PROBE = Pattern.compile("^\\[(\\S+)\\] tcp \\[(\\S+)\\]:(\\d+) from \\[(\\S+)\\]:(\\d+) "
            + "result=reply reply='web saw \\[([0-9a-f:]+)\\]:\\d+'");
    private static CniHostportNftRecording recording;

    @BeforeAll
    static void replay() throws IOException {
        recording = new CniHostportNftRecording(DIR, TABLES, PROBE);
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 70, 28);
    }

    @Test
    void everySynWalksTheCniTablesAsTheKernelTracedIt() throws IOException {
        recording.assertEverySynWalksAsTraced(6, "probes.txt: six connections answered");
    }

    /**
     * Each connection's NAT as conntrack-L.txt holds it, and masqueraded exactly when the server saw another source than
     * the client's (probes.txt): web's own two connections; cli's to the hostPort kept its source (the hairpin rule
     * names the pod's own IPv6 address only).
     */
    @Test
    void everyConnectionIsNatedAsConntrackShowsAndMasqueradedWhereThePodSawAnotherSource() throws IOException {
        assertEquals(2, recording.assertNatedAsConntrackShows(), "probes.txt: the two web hairpin connections");
    }

    /**
     * The hairpin SYNs: masqueraded by ip6 cni_hostport's masquerading, which the kernel ran before
     * cni_plugins_masquerade's postrouting (same priority, created later), so the latter never saw them; the other
     * connections reached it. Checked against the trace and the counters of nft-ruleset.txt.
     */
    @Test
    void theLaterCreatedNatChainRunsFirstAndItsMasqueradeEndsTheWalk() throws IOException {
        int reached = recording.assertLaterCreatedNatChainRunsFirst("ip6 cni_hostport");
        assertEquals(reached, recording.counter("counter packets (\\d+) bytes \\d+ goto masq_checks"));
        int answered = recording.probes().size();
        assertEquals(answered - reached, recording.counter(
                "ip6 saddr fd00:10:244:1::2 ip6 daddr fd00:10:244:1::2 counter packets (\\d+) "));
        assertEquals(answered, recording.counter("counter packets (\\d+) bytes \\d+ dnat to \\[fd00:10:244:1::2\\]:80"));
    }

    /** The ip6 table holds no localhost masquerade: the portmap plugin writes that rule for IPv4 only. */
    @Test
    void theIp6TableHoldsNoLocalhostRule() throws IOException {
        String ruleset = Files.readString(DIR.resolve("nft-ruleset.txt"));
        String ip6 = ruleset.substring(ruleset.indexOf("table ip6 cni_hostport"));
        ip6 = ip6.substring(0, ip6.indexOf("\n}"));
        assertTrue(ip6.contains("masquerade"), ip6);
        assertFalse(ip6.contains("::1 ") || ip6.contains("127.0.0.1"), ip6);
        assertTrue(ruleset.contains("ip saddr 127.0.0.1 ip daddr 10.244.1.2"), "the ip table's localhost rule");
    }
}
