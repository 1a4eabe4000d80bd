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

/**
 * A recording of the CNI plugins' nftables backends (cni-hostport-nft, cni-hostport-nft6) replayed, with what its
 * nft-trace.txt, probes.txt, conntrack-L.txt and nft-ruleset.txt say of each connection's SYN, and the checks both
 * bundles' tests make of it.
 */
final class CniHostportNftRecording {
    private static final Pattern PACKET = Pattern.compile("^trace id (\\S+) (\\S+ \\S+) (\\S+) packet: (.*)$");
    private static final Pattern STEP = Pattern.compile(
            "^trace id (\\S+) (\\S+ \\S+) (\\S+) (?:rule (.+?) \\(verdict ([^)]+)\\)|policy (\\S+))\\s*$");
    private final Path dir;
    private final List<String> tables;
    private final Pattern probe;
    private final List<PacketTrace> traces;

    /**
     * {@code dir}'s capture replayed; {@code tables}: the CNI tables ("family name"); {@code probe}: a probes.txt line of
     * an answered connection, its groups the client's role, the destination, its port, the source, the source port and
     * the source the server saw.
     */
    CniHostportNftRecording(Path dir, List<String> tables, Pattern probe) throws IOException {
        this.dir = dir;
        this.tables = List.copyOf(tables);
        this.probe = probe;
        this.traces = CaptureReplays.replay(BundleLoader.loadDirectory(dir), dir.resolve("capture.pcap"));
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
    List<String> kernelSteps(int sport) throws IOException {
        Map<String, Boolean> ofSyn = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String raw : Files.readAllLines(dir.resolve("nft-trace.txt"))) {
            String line = raw.strip();
            Matcher p = PACKET.matcher(line);
            if (p.matches()) {
                String pkt = " " + p.group(4) + " ";
                ofSyn.put(p.group(1), pkt.contains(" tcp sport " + sport + " ") && pkt.contains(" tcp flags == syn "));
                continue;
            }
            Matcher s = STEP.matcher(line);
            if (s.matches() && tables.contains(s.group(2)) && ofSyn.getOrDefault(s.group(1), false)) {
                out.add(s.group(2) + " " + s.group(3) + " "
                        + (s.group(6) != null ? "POLICY:" + s.group(6).toUpperCase() : verdict(s.group(5))));
            }
        }
        return out;
    }

    List<String> replayedSteps(PacketTrace t) {
        List<String> out = new ArrayList<>();
        for (var s : t.kernelSteps()) {
            if (s instanceof RuleStep r && tables.contains(r.rule().table())) {
                out.add(r.rule().table() + " " + r.rule().chain() + " " + r.verdict());
            } else if (s instanceof PolicyStep p && tables.contains(p.table())) {
                out.add(p.table() + " " + p.chain() + " " + p.verdict());
            }
        }
        return out;
    }

    /** The replayed first SYN from {@code sport} (as sent: received or from a local process, not a copy). */
    PacketTrace syn(int sport) {
        List<PacketTrace> found = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS
                || t.role() == FrameRole.LOCAL_OUT) && t.packet().proto() == 6 && t.packet().sport() == sport
                && (t.packet().tcpFlags() & 0x12) == 0x02).toList();
        assertFalse(found.isEmpty(), "no replayed SYN from " + sport);
        return found.get(0);
    }

    /** probes.txt's answered connections: client port → {role, destination, port, source, the source the server saw}. */
    Map<Integer, String[]> probes() throws IOException {
        Map<Integer, String[]> out = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("probes.txt"))) {
            Matcher m = probe.matcher(line);
            if (m.find()) {
                out.put(Integer.parseInt(m.group(5)), new String[] {m.group(1), m.group(2), m.group(3), m.group(4),
                    m.group(6)});
            }
        }
        return out;
    }

    /** Every answered connection's SYN walks the CNI tables as the kernel traced it; {@code answered}: how many. */
    void assertEverySynWalksAsTraced(int answered, String why) throws IOException {
        Map<Integer, String[]> probes = probes();
        assertEquals(answered, probes.size(), why);
        for (int sport : probes.keySet()) {
            List<String> kernel = kernelSteps(sport);
            assertFalse(kernel.isEmpty(), "nft-trace.txt: no CNI step for " + sport);
            assertEquals(kernel, replayedSteps(syn(sport)), "the CNI tables' steps of the SYN from " + sport);
        }
    }

    /**
     * Each connection's NAT as conntrack-L.txt holds it, and masqueraded exactly when the server saw another source than
     * the client's (probes.txt); returns how many were masqueraded.
     */
    int assertNatedAsConntrackShows() throws IOException {
        Map<String, String> ct = DockerBridgesTrace.conntrack(dir.resolve("conntrack-L.txt"));
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
        return masqueraded;
    }

    /**
     * Each SYN either was masqueraded by {@code hostportTable}'s masquerading chain or reached cni_plugins_masquerade's
     * postrouting (the two nat chains at one priority, the later created first), in the trace and in the replay, where a
     * SYN reaching the bridge plugin's chain went through the portmap chain first; returns how many reached it.
     */
    int assertLaterCreatedNatChainRunsFirst(String hostportTable) throws IOException {
        int reached = 0;
        for (int sport : probes().keySet()) {
            List<String> kernel = kernelSteps(sport);
            boolean hostportMasq = kernel.contains(hostportTable + " masquerading ACCEPT");
            boolean bridgeChain = kernel.stream().anyMatch(s -> s.startsWith("inet cni_plugins_masquerade postrouting "));
            assertTrue(hostportMasq != bridgeChain, sport + ": " + kernel);
            List<String> replayed = replayedSteps(syn(sport));
            if (bridgeChain) {
                reached++;
                int masq = replayed.indexOf(hostportTable + " masquerading POLICY:ACCEPT");
                int bridge = replayed.indexOf("inet cni_plugins_masquerade postrouting GOTO:masq_checks");
                assertTrue(masq >= 0 && bridge > masq, sport + ": " + replayed);
            }
        }
        return reached;
    }

    /** The first group of the first nft-ruleset.txt line matching {@code regex}: a rule's counter. */
    int counter(String regex) throws IOException {
        Pattern p = Pattern.compile(regex);
        for (String line : Files.readAllLines(dir.resolve("nft-ruleset.txt"))) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("nft-ruleset.txt: no rule matching " + regex);
    }
}
