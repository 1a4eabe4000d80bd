package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.iproute.IpAddrParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/bridge-hairpin replayed: a Docker-style bridge br-hp whose container a (port with hairpin on) and container b
 * (port with hairpin off) each connect to their own published port on the node's address. br_netfilter DNATs both back
 * towards the port they came in on; the kernel sent a's SYNs back out of a's port (masqueraded to the bridge's address)
 * and dropped b's. Every expectation comes from the kernel's recording: scenario.env (which port the recorder set to
 * hairpin on), trace.txt (the PACKET lines of each SYN), iptables-save-c-after.txt, conntrack-L.txt and the capture.
 */
class BridgeHairpinReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("bridge-hairpin");

    private static List<PacketTrace> replay(Path dir) throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(dir);
        return CaptureReplays.replay(bundle, dir.resolve("capture.pcap"));
    }

    private static String env(String key) throws IOException {
        return RecordedBundles.scenarioValue(DIR, key);
    }

    /** The packet counter of the nat rule whose text contains {@code part}, after the traffic (zeroed before it). */
    private static long natCounter(String part) throws IOException {
        return SavedCounters.packets(DIR, "nat", part);
    }

    /** The SYNs of a container's {@code sport} replayed as they came in on its bridge port. */
    private static List<PacketTrace> syns(List<PacketTrace> traces, String port, int sport) {
        return traces.stream().filter(t -> t.role() == FrameRole.INGRESS && t.packet().iface().equals(port)
                && t.packet().dir().equals("in") && t.packet().sport() == sport
                && t.packet().info().contains(" [S] ")).toList();
    }

    /** trace.txt's PACKET lines of the kernel for source port {@code sport} with the given IN=/OUT= prefix. */
    private static long kernelPacketLines(int sport, String ifaces) throws IOException {
        return Files.readAllLines(DIR.resolve("trace.txt")).stream().filter(l -> l.contains(" " + ifaces + " ")
                && l.contains(" SPORT=" + sport + " ") && l.contains(" SYN ")).count();
    }

    @Test
    void verifyFindsEveryTracedPacketAndCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= 30, "the packets of trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    @Test
    void theBundleGivesEachPortTheHairpinModeTheRecorderSet() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertEquals(Optional.of(true), IpAddrParser.byName(bundle.interfaces(), env("HAIRPIN_ON_PORT"))
                .orElseThrow().hairpin());
        assertEquals(Optional.of(false), IpAddrParser.byName(bundle.interfaces(), env("HAIRPIN_OFF_PORT"))
                .orElseThrow().hairpin());
    }

    @Test
    void withHairpinOnTheSynGoesBackOutOfItsIngressPortMasqueradedAndTheConnectionCompletes() throws IOException {
        List<PacketTrace> traces = replay(DIR);
        String port = env("HAIRPIN_ON_PORT");
        List<String> conntrack = Files.readAllLines(DIR.resolve("conntrack-L.txt"));
        for (int sport : new int[] {44002, 44003}) {
            // the kernel traced the SYN in FORWARD with the bridge as both interfaces (br_netfilter's bridged DNAT)
            assertTrue(kernelPacketLines(sport, "IN=br-hp OUT=br-hp") >= 1, "trace.txt: FORWARD of " + sport);
            List<PacketTrace> syn = syns(traces, port, sport);
            assertEquals(1, syn.size(), "a's SYN from " + sport);
            PacketTrace t = syn.get(0);
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            assertTrue(t.notes().stream().anyMatch(n -> n.contains("shows hairpin on for " + port)), t.notes().toString());
            assertTrue(t.kernelSteps().stream().anyMatch(s -> s instanceof RuleStep r && r.rule().table().equals("filter")
                    && r.rule().text().equals("-A FORWARD -i br-hp -o br-hp -j ACCEPT")), "FORWARD ran");
            String entry = conntrack.stream().filter(l -> l.contains("sport=" + sport + " dport=8080 ")).findFirst()
                    .orElseThrow();
            assertTrue(entry.contains("[ASSURED]"), entry);
            Matcher m = Pattern.compile("src=172\\.17\\.0\\.2 dst=(\\S+) sport=80 dport=(\\d+) ").matcher(entry);
            assertTrue(m.find(), entry);
            assertEquals(m.group(1), t.nat().orElseThrow().after().src().toString(), "the hairpin masquerade");
            assertEquals("172.17.0.2", t.nat().get().after().dst().toString());
            // the capture's copy of it leaving on the same port, from the masqueraded address
            String left = m.group(1) + ":" + m.group(2) + " > 172.17.0.2:80 [S]";
            List<Long> out = traces.stream().filter(c -> c.packet().iface().equals(port) && c.packet().dir().equals("out")
                    && c.packet().info().contains(left)).map(c -> c.packet().frame()).toList();
            assertEquals(1, out.size(), "the capture's frame of " + left + " on " + port);
            assertTrue(t.correlated().containsAll(out), t.correlated() + " vs " + out);
            // every frame of the connection, both ways, forwarded
            traces.stream().filter(c -> c.role() == FrameRole.INGRESS && (c.packet().sport() == sport
                    || c.packet().dport() == sport)).forEach(c -> assertEquals(Disposition.FORWARDED, c.disposition(),
                    c.packet().frame() + " " + c.reason()));
        }
        long masq = natCounter("-s 172.17.0.2/32 -d 172.17.0.2/32");
        long replayed = traces.stream().filter(t -> t.role() == FrameRole.INGRESS).flatMap(t -> t.kernelSteps().stream())
                .filter(s -> s instanceof RuleStep r && r.rule().text().contains("-s 172.17.0.2/32 -d 172.17.0.2/32"))
                .count();
        assertEquals(masq, replayed, "the hairpin MASQUERADE rule's counter");
    }

    @Test
    void withHairpinOffEachSynEndsAsBridgeHairpinOff() throws IOException {
        List<PacketTrace> traces = replay(DIR);
        String port = env("HAIRPIN_OFF_PORT");
        List<PacketTrace> syn = syns(traces, port, 44004);
        assertEquals(natCounter("--to-destination 172.17.0.3:80"), syn.size(), "each SYN a new connection DNATed");
        assertEquals(0, kernelPacketLines(44004, "IN=br-hp OUT=br-hp"), "the kernel never reached FORWARD");
        for (PacketTrace t : syn) {
            assertEquals(Disposition.BRIDGE_HAIRPIN_OFF, t.disposition(), t.reason());
            assertTrue(t.reason().contains("hairpin mode off"), t.reason());
            assertTrue(t.notes().stream().anyMatch(n -> n.contains("shows hairpin off for " + port)), t.notes().toString());
            assertTrue(t.correlated().stream().noneMatch(f -> traces.stream().anyMatch(c -> c.packet().frame() == f
                    && c.packet().iface().equals(port))), "nothing left on " + port);
        }
        assertTrue(Files.readAllLines(DIR.resolve("conntrack-L.txt")).stream().noneMatch(l -> l.contains("sport=44004")));
        var result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.empty(), AnalysisOptions.DEFAULT,
                t -> { }, n -> { }, () -> false);
        assertTrue(result.findings().stream().anyMatch(f -> f.code().equals(Codes.BRIDGE_HAIRPIN_OFF)
                && f.frames().size() == syn.size()), result.findings().toString());
    }

    /** The state of the bundle's ip neigh entry for {@code address} on br-hp (taken after the traffic). */
    private static String neighbourState(String address) throws IOException {
        return Files.readAllLines(DIR.resolve("ip-neigh.txt")).stream().filter(l -> l.startsWith(address + " dev br-hp "))
                .map(l -> l.trim().substring(l.trim().lastIndexOf(' ') + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("ip-neigh.txt: no entry for " + address));
    }

    /** The capture's frames leaving the bridge br-hp that carry {@code tuple} (as the trace's summary prints it). */
    private static List<PacketTrace> leavingBridge(List<PacketTrace> traces, String tuple) {
        return traces.stream().filter(t -> t.packet().iface().equals("br-hp") && t.packet().dir().equals("out")
                && t.packet().info().contains(tuple)).toList();
    }

    @Test
    void theBridgeFramesOfTheDroppedSynsAfterTheirDnatAreTiedToThem() throws IOException {
        List<PacketTrace> traces = replay(DIR);
        List<PacketTrace> syn = syns(traces, env("HAIRPIN_OFF_PORT"), 44004);
        // the DNAT target of b's published port, from the rule the kernel counted for each SYN
        long dnats = natCounter("--to-destination 172.17.0.3:80");
        assertEquals(dnats, syn.size());
        // the capture holds one br-hp OUT frame of each DNATed SYN: br_netfilter's bridged DNAT went through the
        // bridge device's neighbour output, 172.17.0.3's entry not being REACHABLE (a's was: none of its SYNs is there)
        List<PacketTrace> sent = leavingBridge(traces, "172.17.0.3:44004 > 172.17.0.3:80 [S]");
        assertEquals(dnats, sent.size(), "br-hp OUT frames of b's DNATed SYNs");
        assertNotEquals("REACHABLE", neighbourState("172.17.0.3"), "ip-neigh.txt: 172.17.0.3");
        assertEquals("REACHABLE", neighbourState("172.17.0.2"), "ip-neigh.txt: 172.17.0.2");
        for (int sport : new int[] {44002, 44003}) {
            assertEquals(List.of(), leavingBridge(traces, ":" + sport + " > 172.17.0.2:80"), "a's SYN " + sport);
        }
        for (int i = 0; i < sent.size(); i++) {
            PacketTrace copy = sent.get(i);
            PacketTrace in = syn.get(i);
            long next = i + 1 < syn.size() ? syn.get(i + 1).packet().frame() : Long.MAX_VALUE;
            assertTrue(in.packet().frame() < copy.packet().frame() && copy.packet().frame() < next,
                    "frame " + copy.packet().frame() + " follows SYN " + in.packet().frame());
            assertEquals(FrameRole.EGRESS_COPY, copy.role(), copy.reason());
            assertEquals(List.of(in.packet().frame()), copy.correlated(), "frame " + copy.packet().frame());
            assertTrue(in.correlated().contains(copy.packet().frame()), in.correlated().toString());
            assertEquals(Disposition.BRIDGE_HAIRPIN_OFF, copy.disposition(), copy.reason());
            assertEquals("172.17.0.3", copy.nat().orElseThrow().after().dst().toString());
            String reason = copy.reason();
            assertTrue(reason.startsWith("the packet of frame " + in.packet().frame() + " after its DNAT to 172.17.0.3"),
                    reason);
            assertTrue(reason.contains("neighbour") && reason.contains("shows " + neighbourState("172.17.0.3"))
                    && reason.contains("without hairpin mode") && !reason.contains("incoming copy"), reason);
        }
        // the finding counts each dropped SYN once, not its frame on the bridge
        var result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.empty(), AnalysisOptions.DEFAULT,
                t -> { }, n -> { }, () -> false);
        List<Long> sentFrames = sent.stream().map(t -> t.packet().frame()).toList();
        assertTrue(result.findings().stream().filter(f -> f.code().equals(Codes.BRIDGE_HAIRPIN_OFF))
                .allMatch(f -> f.frames().stream().noneMatch(sentFrames::contains)), result.findings().toString());
    }

    @Test
    void withoutIpDetailsTheHairpinModeIsAssumedOffAndSaidSo(@TempDir Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.equals("ip-d-link.txt") && !name.equals("ip-j-d-link.json")) {
                    Files.copy(f, tmp.resolve(name));
                }
            }
        }
        List<PacketTrace> syn = syns(replay(tmp), env("HAIRPIN_ON_PORT"), 44002);
        assertEquals(1, syn.size());
        assertEquals(Disposition.BRIDGE_HAIRPIN_OFF, syn.get(0).disposition(), "today's assumption without ip -d link");
        assertTrue(syn.get(0).notes().stream().anyMatch(n -> n.contains("does not say") && n.contains("ip -d link")),
                syn.get(0).notes().toString());
    }
}
