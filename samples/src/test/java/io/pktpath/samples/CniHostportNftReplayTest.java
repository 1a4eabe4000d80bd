package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/cni-hostport-nft replayed: cni-hostport's topology and traffic with containernetworking/plugins' nftables
 * backends, the portmap plugin's {@code ip cni_hostport} (DNAT in {@code hostports}, hairpin and localhost masquerade in
 * {@code masquerading}, no mark) and the bridge plugin's ipMasq {@code inet cni_plugins_masquerade}, both nat chains at
 * postrouting priority 100. Every expectation comes from the kernel's recording: nft-trace.txt (the steps of each SYN in
 * the two tables), nft-ruleset.txt (counters), conntrack-L.txt and probes.txt (the source the pod saw).
 */
class CniHostportNftReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("cni-hostport-nft");
    private static final List<String> TABLES = List.of("ip cni_hostport", "inet cni_plugins_masquerade");
    private static final Pattern PROBE = Pattern.compile("^\\[(\\S+)\\] tcp (\\S+):(\\d+) from (\\S+):(\\d+) "
            + "result=connected reply='\\S+ port \\d+ saw ([0-9.]+):\\d+'");
    private static CniHostportNftRecording recording;

    @BeforeAll
    static void replay() throws IOException {
        recording = new CniHostportNftRecording(DIR, TABLES, PROBE);
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 90, 14);
    }

    @Test
    void everySynWalksTheCniTablesAsTheKernelTracedIt() throws IOException {
        recording.assertEverySynWalksAsTraced(10, "probes.txt: ten connections answered");
    }

    /**
     * Each connection's NAT as conntrack-L.txt holds it, and masqueraded exactly when the server saw another source than
     * the client's (probes.txt): the node's 127.0.0.1 and web's own connections, and web's egress; cli's to the hostPort
     * kept its source (the nftables backend masquerades the pod's own address only, not its subnet).
     */
    @Test
    void everyConnectionIsNatedAsConntrackShowsAndMasqueradedWhereThePodSawAnotherSource() throws IOException {
        assertEquals(5, recording.assertNatedAsConntrackShows(),
                "probes.txt: two node (127.0.0.1), two web hairpin, one web egress");
    }

    /**
     * The hairpin and localhost SYNs: masqueraded by cni_hostport's masquerading, which the kernel ran before
     * cni_plugins_masquerade's postrouting (same priority, created later), so the latter never saw them; the other
     * connections reached it. Checked against the trace and the counters of nft-ruleset.txt.
     */
    @Test
    void theLaterCreatedNatChainRunsFirstAndItsMasqueradeEndsTheWalk() throws IOException {
        int reached = recording.assertLaterCreatedNatChainRunsFirst("ip cni_hostport");
        assertEquals(reached, recording.counter("counter packets (\\d+) bytes \\d+ goto masq_checks"));
        assertEquals(2, recording.counter("ip saddr 10.244.1.2 ip daddr 10.244.1.2 counter packets (\\d+) "));
        assertEquals(2, recording.counter("ip saddr 127.0.0.1 ip daddr 10.244.1.2 counter packets (\\d+) "));
    }
}
