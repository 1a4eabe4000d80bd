package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * bundles/cni-hostport-dual replayed: a dual-stack pod's TCP hostPort 8080 and UDP hostPort 8053 published by the CNI
 * portmap plugin's iptables backend in both families, reached from the uplink over IPv4 and IPv6, from the pod itself
 * and a second pod over IPv6 (the hairpin rule's SETMARK, then CNI-HOSTPORT-MASQ) and from the node's own IPv6 address.
 * Every expectation comes from the kernel's recording: conntrack-L.txt, nft-trace.txt (xtables-monitor stopped at the
 * first IPv6 rule it could not print), the save files' counters and probes.txt.
 */
class CniHostportDualReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("cni-hostport-dual");
    private static final Pattern ENTRY = Pattern.compile("^(tcp|udp) .*src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(8080|8053)"
            + " src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) ");
    private static final Pattern COUNTER = Pattern.compile("^\\[(\\d+):\\d+\\] (-A .*)$");
    /** The client ports of probes.txt: IPv4 TCP and UDP from the uplink, then IPv6 from the uplink, web, cli, node. */
    private static final int[] CLIENTS = {46001, 46002, 46101, 46102, 46131, 46141, 46121};
    private static List<PacketTrace> traces;

    @BeforeAll
    static void replay() throws IOException {
        traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** The replayed first packet of the flow from client port {@code sport} (as sent, before any NAT). */
    private static PacketTrace first(int sport) {
        List<PacketTrace> found = traces.stream().filter(t -> (t.role() == FrameRole.INGRESS
                || t.role() == FrameRole.LOCAL_OUT) && t.nat().isPresent() && t.nat().get().before().sport() == sport
                && t.nat().get().before().dport() != 0).toList();
        assertTrue(!found.isEmpty(), "the replayed packets from " + sport);
        return found.get(0);
    }

    /** conntrack-L.txt's entry of the flow from client port {@code sport} to a hostPort. */
    private static Matcher entry(int sport) throws IOException {
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = ENTRY.matcher(line);
            if (m.find() && Integer.parseInt(m.group(4)) == sport) {
                return m;
            }
        }
        throw new AssertionError("conntrack-L.txt: no flow from " + sport + " to a hostPort");
    }

    /** The packet counter of the one nat rule containing {@code part} in {@code file} (zeroed before the traffic). */
    private static long counter(String file, String part) throws IOException {
        List<Long> found = Files.readAllLines(DIR.resolve(file)).stream().map(COUNTER::matcher)
                .filter(m -> m.find() && m.group(2).contains(part)).map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(1, found.size(), file + ": rules with " + part);
        return found.get(0);
    }

    /** The nat chains nft-trace.txt shows the first SYN from {@code sport} passing (its id, until it is reused). */
    private static Set<String> kernelNatChains(int sport) throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("nft-trace.txt"));
        Set<String> chains = new HashSet<>();
        String id = null;
        for (String l : lines) {
            String[] f = l.split(" +");
            if (id == null) {
                if (l.contains(" packet: ") && l.contains(" tcp sport " + sport + " ") && l.contains("flags == syn")) {
                    id = f[2];
                }
                continue;
            }
            if (!f[2].equals(id)) {
                continue;
            }
            if (l.contains(" raw PREROUTING packet: ")) {
                break;
            }
            if (f[4].equals("nat") && f[6].equals("rule")) {
                chains.add(f[5]);
            }
        }
        assertTrue(id != null, "nft-trace.txt: the SYN from " + sport);
        return chains;
    }

    private static Set<String> replayedNatChains(PacketTrace t) {
        Set<String> chains = new HashSet<>();
        t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals("nat"))
                .forEach(s -> chains.add(((RuleStep) s).rule().chain()));
        return chains;
    }

    @Test
    void verifyAgreesWithTheKernelButTheListedBridgedNeighbourSolicitations() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertTrue(report.compared() >= 50, "the packets of nft-trace.txt: " + report.compared());
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertTrue(report.hitsCompared() >= 40, "counters compared: " + report.hitsCompared());
        // every difference is one of the neighbour solicitations the pods flooded on cni0 (known-differences)
        report.differences().forEach(d -> assertTrue(d.key().contains("ff02::1:ff00:1")
                || d.key().contains("filter:FORWARD policy"), d.key()));
        assertTrue(report.equal() >= report.compared() - 4, report.text());
    }

    @Test
    void everyClientIsDnatedPerFamilyAndProtocolAsConntrackShows() throws IOException {
        for (int sport : CLIENTS) {
            PacketTrace t = first(sport);
            Matcher m = entry(sport);
            Tuple before = t.nat().get().before();
            assertEquals(m.group(1).equals("tcp") ? 6 : 17, before.protocol(), "protocol, " + sport);
            assertEquals(m.group(2) + " " + m.group(3) + " " + m.group(5), before.src() + " " + before.dst() + " "
                    + before.dport(), "sent as, " + sport);
            Tuple after = t.nat().get().after();
            assertEquals(m.group(6) + ":" + m.group(8), after.dst() + ":" + after.dport(), "DNAT, " + sport);
            assertEquals(m.group(7) + ":" + m.group(9), after.src() + ":" + after.sport(), "source, " + sport);
            assertTrue(t.kernelSteps().stream().anyMatch(s -> s instanceof RuleStep r && r.rule().text().contains(
                    "-p " + m.group(1)) && r.rule().text().contains("-j DNAT")), sport + ": the " + m.group(1) + " DNAT");
        }
        String web = entry(46001).group(6);
        String web6 = entry(46101).group(6);
        assertEquals(1, counter("iptables-save-c-after.txt", "-j DNAT --to-destination " + web + ":80"));
        assertEquals(1, counter("iptables-save-c-after.txt", "-j DNAT --to-destination " + web + ":53"));
        assertEquals(4, counter("ip6tables-save-c-after.txt", "-j DNAT --to-destination [" + web6 + "]:80"));
        assertEquals(1, counter("ip6tables-save-c-after.txt", "-j DNAT --to-destination [" + web6 + "]:53"));
    }

    @Test
    void theUdpAnswersAreUnDnatedToTheHostPortPerFamily() throws IOException {
        for (int sport : new int[] {46002, 46102}) {
            Matcher m = entry(sport);
            List<PacketTrace> answers = traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.nat().isPresent()
                    && t.nat().get().before().sport() == Integer.parseInt(m.group(8))
                    && t.nat().get().before().dport() == sport && t.nat().get().before().src().toString().equals(m.group(6)))
                    .toList();
            assertEquals(1, answers.size(), "web's answer to " + sport + ": " + answers);
            Tuple after = answers.get(0).nat().get().after();
            // the reply leaves as the original tuple reversed: from the node's address and hostPort to the client
            assertEquals(m.group(3) + ":" + m.group(5) + " > " + m.group(2) + ":" + m.group(4), after.src() + ":"
                    + after.sport() + " > " + after.dst() + ":" + after.dport());
        }
        assertTrue(Files.readString(DIR.resolve("probes.txt")).contains("udp [" + entry(46102).group(3) + "]:8053 from"));
    }

    @Test
    void theIpv6HairpinRuleMarksThePodsAndCniHostportMasqMasqueradesThem() throws IOException {
        int marked = 0;
        for (int sport : new int[] {46101, 46131, 46141, 46121}) {
            Set<String> kernel = kernelNatChains(sport);
            Set<String> replayed = replayedNatChains(first(sport));
            for (String chain : List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ")) {
                assertEquals(kernel.contains(chain), replayed.contains(chain), sport + " " + chain + ": kernel " + kernel
                        + ", pktpath " + replayed);
            }
            marked += kernel.contains("CNI-HOSTPORT-SETMARK") ? 1 : 0;
        }
        assertEquals(2, marked, "web's and cli's SYNs");
        assertEquals(marked, counter("ip6tables-save-c-after.txt", "-j MARK --set-xmark 0x2000/0x2000"));
        assertEquals(marked, counter("ip6tables-save-c-after.txt", "-A CNI-HOSTPORT-MASQ -m mark"));
        assertEquals(0, counter("iptables-save-c-after.txt", "-j MARK --set-xmark 0x2000/0x2000"));
        assertTrue(Files.readAllLines(DIR.resolve("ip6tables-save.txt")).stream().noneMatch(l -> l.contains("127.0.0.1")),
                "no localhost SETMARK rule for IPv6");
        // the hairpin SYN leaves masqueraded to cni0's address, the source conntrack's reply tuple shows
        Matcher m = entry(46131);
        assertEquals(m.group(7), first(46131).nat().get().after().src().toString());
    }
}
