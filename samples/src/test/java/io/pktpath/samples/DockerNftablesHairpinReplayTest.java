package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
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
 * bundles/docker-nftables-hairpin replayed: Docker 29's nftables backend with {@code --userland-proxy=false} (moby's
 * nftabler with Hairpin=true: no loopback skip in nat-OUTPUT, no {@code iifname != <bridge>} on the DNAT rule,
 * MASQUERADE FROM HOST and MASQ TO OWN PORT in nat-postrouting-in__docker0; hairpin mode on the container ports,
 * route_localnet on the bridges). Every expectation comes from the kernel's recording: nft-trace.txt, conntrack-L.txt,
 * probes.txt. web's connections to its own published port are bridged back out of its port (br_netfilter's bridged
 * DNAT, so POSTROUTING sees no input device) and masqueraded to the gateway; the host's, to its address and to
 * 127.0.0.1, are masqueraded as from the host.
 */
class DockerNftablesHairpinReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables-hairpin");
    private static final Pattern PROBE = Pattern.compile("^\\[(\\S+)\\] tcp (\\S+):8080 from \\S+:(\\d+) result=connected"
            + " reply='web port 80 saw ([0-9.]+):(\\d+)'");

    private static List<PacketTrace> replay() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 90, 28);
    }

    @Test
    void eachDockerRuleTakesThePacketsTheKernelTraced() throws IOException {
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        assertTrue(kernel.keySet().stream().anyMatch(k -> k.contains("MASQ TO OWN PORT")), kernel.toString());
        assertEquals(kernel, DockerBridgesTrace.replayedRuleHits(replay()));
    }

    /** Each connection to port 8080 answered in probes.txt: its SYN met the rules nft-trace.txt shows, NATed as conntrack. */
    @Test
    void everyConnectionToThePublishedPortIsDnatedAndMasqueradedAsTheKernelDidIt() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        int hairpins = 0;
        for (String line : Files.readAllLines(DIR.resolve("probes.txt"))) {
            Matcher m = PROBE.matcher(line);
            if (!m.find() || m.group(1).equals("up")) {
                continue;
            }
            int sport = Integer.parseInt(m.group(3));
            PacketTrace syn = DockerBridgesTrace.syns(traces, sport).get(0);
            assertTrue(syn.disposition() == Disposition.FORWARDED || syn.disposition() == Disposition.SENT,
                    sport + ": " + syn.disposition() + " " + syn.reason());
            assertEquals(DockerBridgesTrace.kernelSteps(DIR.resolve("nft-trace.txt"), "tcp sport " + sport, "syn"),
                    DockerBridgesTrace.replayedSteps(syn), "the docker-bridges rules of " + sport + "'s SYN");
            var nat = syn.nat().orElseThrow();
            String reply = ct.get(nat.before().src() + " " + sport + " " + nat.before().dst() + " 8080");
            assertEquals(reply, nat.after().dst() + " " + nat.after().dport() + " " + nat.after().src() + " "
                    + nat.after().sport(), "conntrack's reply tuple of " + sport);
            assertEquals(m.group(4), nat.after().src().toString(), "the source web saw (probes.txt) for " + sport);
            assertEquals(!m.group(4).equals(nat.before().src().toString()), nat.masquerade(), "masqueraded: " + sport);
            if (m.group(1).equals("web")) {
                hairpins++;
                assertTrue(DockerBridgesTrace.replayedSteps(syn).contains("nat-postrouting-in__docker0 ACCEPT"));
            }
        }
        assertEquals(2, hairpins, "web's two connections to its own published port (host address, gateway)");
    }

    @Test
    void directAccessFromOutsideAndAcrossNetworksIsDroppedInRaw() throws IOException {
        List<PacketTrace> traces = replay();
        long timeouts = Files.readAllLines(DIR.resolve("probes.txt")).stream().filter(l -> l.contains("result=timeout"))
                .count();
        assertEquals(2, timeouts, "probes.txt: the uplink at web's address and app at cli's timed out");
        Map<String, Integer> kernel = DockerBridgesTrace.kernelRuleHits(DIR.resolve("nft-trace.txt"));
        int kernelDrops = kernel.entrySet().stream().filter(e -> e.getKey().contains("DROP DIRECT ACCESS"))
                .mapToInt(Map.Entry::getValue).sum();
        List<PacketTrace> dropped = traces.stream().filter(t -> t.disposition() == Disposition.DROPPED_BY_RULE).toList();
        assertEquals(kernelDrops, dropped.size(), "the two SYNs and their retransmissions");
        for (int sport : new int[] {42008, 42009}) {
            for (PacketTrace t : DockerBridgesTrace.syns(traces, sport)) {
                assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
                List<String> s = DockerBridgesTrace.replayedSteps(t);
                assertEquals("raw-PREROUTING DROP", s.get(s.size() - 1), s.toString());
            }
        }
    }
}
