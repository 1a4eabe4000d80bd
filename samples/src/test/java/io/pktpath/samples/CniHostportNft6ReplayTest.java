package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
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
    private static final String[] TABLES = {"ip6 cni_hostport", "inet cni_plugins_masquerade"};
    private static final Pattern PACKET = Pattern.compile("^trace id (\\S+) (\\S+ \\S+) (\\S+) packet: (.*)$");
    private static final Pattern STEP = Pattern.compile(
            "^trace id (\\S+) (\\S+ \\S+) (\\S+) (?:rule (.+?) \\(verdict ([^)]+)\\)|policy (\\S+))\\s*$");
    private static final Pattern PROBE = Pattern.compile("^\\[(\\S+)\\] tcp \\[(\\S+)\\]:(\\d+) from \\[(\\S+)\\]:(\\d+) "
            + "result=reply reply='web saw \\[([0-9a-f:]+)\\]:\\d+'");
    private static List<PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static boolean cni(String table) {
        return List.of(TABLES).contains(table);
    }

    /** A trace verdict as pktpath names it: accept → ACCEPT, jump X → JUMP:X, goto X → GOTO:X. */
    private static String verdict(String kernel) {
        String[] v = kernel.split(" ", 2);
        return v[0].toUpperCase() + (v.length > 1 ? ":" + v[1] : "");
    }

    /**
     * The CNI tables' steps ("table chain VERDICT") of the SYN from {@code sport}, in trace order: a step counts when the
     * last packet line of its trace id was that SYN (the kernel may give it a new id between hooks).
     */
    private static List<String> kernelSteps(int sport) throws IOException {
        Map<String, Boolean> ofSyn = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String raw : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            String line = raw.strip();
            Matcher p = PACKET.matcher(line);
            if (p.matches()) {
                String pkt = " " + p.group(4) + " ";
                ofSyn.put(p.group(1), pkt.contains(" tcp sport " + sport + " ") && pkt.contains(" tcp flags == syn "));
                continue;
            }
            Matcher s = STEP.matcher(line);
            if (s.matches() && cni(s.group(2)) && ofSyn.getOrDefault(s.group(1), false)) {
                out.add(s.group(2) + " " + s.group(3) + " "
                        + (s.group(6) != null ? "POLICY:" + s.group(6).toUpperCase() : verdict(s.group(5))));
            }
        }
        return out;
    }

    private static List<String> replayedSteps(PacketTrace t) {
        List<String> out = new ArrayList<>();
        for (var s : t.kernelSteps()) {
            if (s instanceof RuleStep r && cni(r.rule().table())) {
                out.add(r.rule().table() + " " + r.rule().chain() + " " + r.verdict());
            } else if (s instanceof PolicyStep p && cni(p.table())) {
                out.add(p.table() + " " + p.chain() + " " + p.verdict());
            }
        }
        return out;
    }

    /** The replayed first SYN from {@code sport} (as sent: received or from a local process, not a copy). */
    private static PacketTrace syn(int sport) {
        List<PacketTrace> found = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS
                || t.role() == FrameRole.LOCAL_OUT) && t.packet().proto() == 6 && t.packet().sport() == sport
                && (t.packet().tcpFlags() & 0x12) == 0x02).toList();
        assertFalse(found.isEmpty(), "no replayed SYN from " + sport);
        return found.get(0);
    }

    /** probes.txt's answered connections: client port → {role, destination, port, source, the source the server saw}. */
    private static Map<Integer, String[]> probes() throws IOException {
        Map<Integer, String[]> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("probes.txt"))) {
            Matcher m = PROBE.matcher(line);
            if (m.find()) {
                out.put(Integer.parseInt(m.group(5)), new String[] {m.group(1), m.group(2), m.group(3), m.group(4),
                    m.group(6)});
            }
        }
        return out;
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 70, 28);
    }

    @Test
    void everySynWalksTheCniTablesAsTheKernelTracedIt() throws IOException {
        Map<Integer, String[]> probes = probes();
        assertEquals(6, probes.size(), "probes.txt: six connections answered");
        for (int sport : probes.keySet()) {
            List<String> kernel = kernelSteps(sport);
            assertFalse(kernel.isEmpty(), "nft-trace.txt: no CNI step for " + sport);
            assertEquals(kernel, replayedSteps(syn(sport)), "the CNI tables' steps of the SYN from " + sport);
        }
    }

    /**
     * Each connection's NAT as conntrack-L.txt holds it, and masqueraded exactly when the server saw another source than
     * the client's (probes.txt): web's own two connections; cli's to the hostPort kept its source (the hairpin rule
     * names the pod's own IPv6 address only).
     */
    @Test
    void everyConnectionIsNatedAsConntrackShowsAndMasqueradedWhereThePodSawAnotherSource() throws IOException {
        Map<String, String> ct = DockerBridgesTrace.conntrack(DIR.resolve("conntrack-L.txt"));
        int masqueraded = 0;
        for (Map.Entry<Integer, String[]> e : probes().entrySet()) {
            int sport = e.getKey();
            String[] p = e.getValue();
            PacketTrace t = syn(sport);
            assertTrue(t.disposition() == Disposition.FORWARDED || t.disposition() == Disposition.SENT,
                    sport + ": " + t.disposition() + " " + t.reason());
            String reply = ct.get(p[3] + " " + sport + " " + p[1] + " " + p[2]);
            assertTrue(reply != null, "conntrack-L.txt: no connection from " + sport);
            var nat = t.nat();
            String replayed = nat.map(n -> n.after().dst() + " " + n.after().dport() + " " + n.after().src() + " "
                    + n.after().sport()).orElse(p[1] + " " + p[2] + " " + p[3] + " " + sport);
            assertEquals(reply, replayed, "conntrack's reply tuple of " + sport);
            boolean masq = !p[4].equals(p[3]);
            assertEquals(masq, nat.isPresent() && nat.get().masquerade(), "masqueraded: " + sport);
            masqueraded += masq ? 1 : 0;
        }
        assertEquals(2, masqueraded, "probes.txt: the two web hairpin connections");
    }

    /**
     * The hairpin SYNs: masqueraded by ip6 cni_hostport's masquerading, which the kernel ran before
     * cni_plugins_masquerade's postrouting (same priority, created later), so the latter never saw them; the other
     * connections reached it. Checked against the trace and the counters of nft-ruleset.txt.
     */
    @Test
    void theLaterCreatedNatChainRunsFirstAndItsMasqueradeEndsTheWalk() throws IOException {
        int reached = 0;
        for (int sport : probes().keySet()) {
            List<String> kernel = kernelSteps(sport);
            boolean hostportMasq = kernel.contains("ip6 cni_hostport masquerading ACCEPT");
            boolean bridgeChain = kernel.stream().anyMatch(s -> s.startsWith("inet cni_plugins_masquerade postrouting "));
            assertTrue(hostportMasq != bridgeChain, sport + ": " + kernel);
            List<String> replayed = replayedSteps(syn(sport));
            if (bridgeChain) {
                reached++;
                int masq = replayed.indexOf("ip6 cni_hostport masquerading POLICY:ACCEPT");
                int bridge = replayed.indexOf("inet cni_plugins_masquerade postrouting GOTO:masq_checks");
                assertTrue(masq >= 0 && bridge > masq, sport + ": " + replayed);
            }
        }
        List<String> ruleset = Files.readAllLines(DIR.resolve("nft-ruleset.txt"));
        assertEquals(reached, counter(ruleset, "counter packets (\\d+) bytes \\d+ goto masq_checks"));
        assertEquals(probes().size() - reached, counter(ruleset,
                "ip6 saddr fd00:10:244:1::2 ip6 daddr fd00:10:244:1::2 counter packets (\\d+) "));
        assertEquals(probes().size(), counter(ruleset, "counter packets (\\d+) bytes \\d+ dnat to \\[fd00:10:244:1::2\\]:80"));
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

    private static int counter(List<String> ruleset, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String line : ruleset) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("nft-ruleset.txt: no rule matching " + regex);
    }
}
