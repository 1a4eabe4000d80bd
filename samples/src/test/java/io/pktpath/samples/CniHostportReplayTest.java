package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bundles/cni-hostport replayed: pod web's hostPort 8080 published by the CNI portmap plugin on the bridge plugin's cni0
 * (br_netfilter, hairpin mode on), reached from the uplink, from the node (127.0.0.1 and its own address), from web
 * itself through its own bridge port and from pod cli on the same bridge. Every expectation comes from the kernel's
 * recording: conntrack-L.txt (where each connection went and the source it left with), trace.txt (which SYNs the
 * kernel sent through CNI-HOSTPORT-SETMARK and CNI-HOSTPORT-MASQ), iptables-save-c-after.txt and the capture.
 */
class CniHostportReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("cni-hostport");
    private static final Pattern ENTRY = Pattern.compile("src=(\\S+) dst=(\\S+) sport=(\\d+) dport=8080 src=(\\S+) "
            + "dst=(\\S+) sport=(\\d+) dport=(\\d+) ");
    /** The client ports the recorder used towards the hostPort (probes.txt), each a connection of its own. */
    private static final int[] HOSTPORT_CLIENTS = {45001, 45002, 45011, 45012, 45021, 45031, 45032, 45041};
    private static List<PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    private static String env(String key) throws IOException {
        return RecordedBundles.scenarioValue(DIR, key);
    }

    /** The replayed first SYN of the connection from client port {@code sport} (as it was sent, before any NAT). */
    private static PacketTrace syn(int sport) {
        List<PacketTrace> found = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS
                || t.role() == FrameRole.LOCAL_OUT) && t.nat().isPresent() && t.nat().get().before().sport() == sport
                && t.packet().info().contains(" [S] ")).toList();
        assertEquals(1, found.size(), "the SYN from " + sport + ": " + found);
        return found.get(0);
    }

    /** conntrack-L.txt's entry of the connection from client port {@code sport} to the hostPort. */
    private static Matcher entry(int sport) throws IOException {
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = ENTRY.matcher(line);
            if (m.find() && Integer.parseInt(m.group(3)) == sport) {
                return m;
            }
        }
        throw new AssertionError("conntrack-L.txt: no connection from " + sport + " to 8080");
    }

    /** The nat chains of the rules trace.txt shows matching the SYN from {@code sport} (in any hook). */
    private static Set<String> kernelNatChains(int sport) throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("trace.txt"));
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            if (l.startsWith("PACKET:") && l.contains(" SPORT=" + sport + " ") && l.contains(" DPORT=8080 ")
                    && l.trim().endsWith(" SYN")) {
                ids.add(l.split(" ")[2]);
            }
        }
        assertEquals(1, ids.size(), "trace.txt: the SYN from " + sport + " is one packet");
        Set<String> chains = new HashSet<>();
        for (String l : lines) {
            String[] f = l.trim().split(" +");
            if (l.startsWith(" TRACE:") && ids.contains(f[2]) && f[3].startsWith("nat:") && f[3].contains(":rule:")) {
                chains.add(f[3].split(":")[1]);
            }
        }
        return chains;
    }

    /** The nat chains whose rules the replay matched for trace {@code t}. */
    private static Set<String> replayedNatChains(PacketTrace t) {
        Set<String> chains = new HashSet<>();
        t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals("nat"))
                .forEach(s -> chains.add(((RuleStep) s).rule().chain()));
        return chains;
    }

    /** The packet counter of the nat rule whose text contains {@code part}, after the traffic (zeroed before it). */
    private static long natCounter(String part) throws IOException {
        return SavedCounters.packets(DIR, "nat", part);
    }

    @Test
    void verifyFindsEveryTracedPacketAndCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= 90, "the packets of trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertTrue(report.hitsCompared() >= 20, "counters compared: " + report.hitsCompared());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    @Test
    void everyClientOfTheHostPortIsDnatedToThePodWithTheSourceConntrackShows() throws IOException {
        String dnatChain = env("DNAT_CHAIN");
        for (int sport : HOSTPORT_CLIENTS) {
            PacketTrace t = syn(sport);
            // the node's own connections leave as sent by a local process, the others as forwarded
            assertEquals(t.role() == FrameRole.LOCAL_OUT ? Disposition.SENT : Disposition.FORWARDED, t.disposition(),
                    sport + ": " + t.reason());
            Matcher m = entry(sport);
            Tuple before = t.nat().get().before();
            assertEquals(m.group(1) + " " + m.group(2), before.src() + " " + before.dst(), "sent as, " + sport);
            Tuple after = t.nat().get().after();
            // the reply tuple: from the pod's address and port, to the address and port the connection left with
            assertEquals(m.group(4) + ":" + m.group(6), after.dst() + ":" + after.dport(), "DNAT, " + sport);
            assertEquals(m.group(5) + ":" + m.group(7), after.src() + ":" + after.sport(), "source, " + sport);
            assertTrue(t.kernelSteps().stream().anyMatch(s -> s instanceof RuleStep r
                    && r.rule().chain().equals(dnatChain) && r.rule().text().contains("-j DNAT")),
                    sport + ": DNAT in the container's chain");
        }
        assertEquals(natCounter("-j DNAT --to-destination"), HOSTPORT_CLIENTS.length);
    }

    @Test
    void setmarkAndMasqRunOnThePathsTheKernelTookThem() throws IOException {
        int marked = 0;
        for (int sport : HOSTPORT_CLIENTS) {
            Set<String> kernel = kernelNatChains(sport);
            Set<String> replayed = replayedNatChains(syn(sport));
            for (String chain : List.of("CNI-HOSTPORT-DNAT", env("DNAT_CHAIN"), "CNI-HOSTPORT-SETMARK",
                    "CNI-HOSTPORT-MASQ")) {
                assertEquals(kernel.contains(chain), replayed.contains(chain), sport + " " + chain + ": kernel " + kernel
                        + ", pktpath " + replayed);
            }
            marked += kernel.contains("CNI-HOSTPORT-SETMARK") ? 1 : 0;
        }
        assertTrue(marked > 0 && marked < HOSTPORT_CLIENTS.length, "some clients marked, not all: " + marked);
        assertEquals(natCounter("-j MARK --set-xmark 0x2000/0x2000"), marked);
        assertEquals(natCounter("-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE"), marked);
    }

    @Test
    void thePodsOwnConnectionsGoBackOutOfItsOwnPortMasqueraded() throws IOException {
        String port = env("POD_WEB_HOSTIF");
        for (int sport : new int[] {45031, 45032}) {
            PacketTrace t = syn(sport);
            assertEquals(port, t.packet().iface(), "in on web's port");
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            assertTrue(t.notes().stream().anyMatch(n -> n.contains("hairpin on for " + port)), t.notes().toString());
            Matcher m = entry(sport);
            String left = m.group(5) + ":" + m.group(7) + " > " + m.group(4) + ":" + m.group(6) + " [S]";
            List<Long> out = traces.stream().filter(c -> c.packet().iface().equals(port) && c.packet().dir().equals("out")
                    && c.packet().info().contains(left)).map(c -> c.packet().frame()).toList();
            assertEquals(1, out.size(), "the capture's frame of " + left + " on " + port);
            assertTrue(t.correlated().containsAll(out), t.correlated() + " vs " + out);
        }
    }

    @Test
    void theAnswersToTheSecondPodOnTheBridgeDeviceAreCopiesBeforePostrouting() throws IOException {
        Matcher m = entry(45041);
        // web answered from its address to the masqueraded source; br_netfilter un-masqueraded it to cli in PREROUTING
        String prerouted = m.group(4) + ":" + m.group(6) + " > " + m.group(1) + ":45041";
        String bridge = env("BRIDGE");
        List<PacketTrace> onBridge = traces.stream().filter(t -> t.packet().iface().equals(bridge)
                && t.packet().dir().equals("out") && t.packet().info().contains(prerouted)).toList();
        assertTrue(!onBridge.isEmpty(), "the capture's frames of " + prerouted + " on cni0");
        for (PacketTrace copy : onBridge) {
            assertEquals(FrameRole.EGRESS_COPY, copy.role(), copy.packet().frame() + " " + copy.reason());
            assertTrue(copy.reason().contains("br_nf_pre_routing_finish_bridge"), copy.reason());
            PacketTrace answer = traces.stream().filter(t -> t.packet().frame() == copy.correlated().get(0)).findFirst()
                    .orElseThrow();
            assertEquals(env("POD_WEB_HOSTIF"), answer.packet().iface());
            assertEquals(m.group(2) + ":8080", answer.nat().orElseThrow().after().src() + ":"
                    + answer.nat().get().after().sport(), "un-DNATed to the hostPort in POSTROUTING");
            assertTrue(answer.correlated().contains(copy.packet().frame()), answer.correlated().toString());
        }
    }
}
