package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bench.BenchBundle;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.OneInterface;
import io.pktpath.core.replay.PartialCapture;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures of one interface of a node whose pods talk to services: on eth0 the requests appear only leaving (after
 * their DNAT) and the replies only arriving; on a pod's veth the requests only arriving and the replies only leaving.
 * A packet seen only leaving is replayed as the packet that arrived, its tuple from its connection or from the DNAT
 * rule that gave its destination, else unchanged (a node without DNAT rules), so the captures replay whole and agree
 * with the capture of every interface. When nothing tells (the node's routes to its pods left out too, so the route back
 * to a request's source is the interface it left by), the packets answering it are not replayed as connections of
 * their own (which made SYN-ACKs INVALID drops and UDP replies insert races the node never had) but named as answers,
 * and PARTIAL_CAPTURE says what the capture lacks.
 */
class PartialCaptureTest {
    @TempDir
    static Path dir;
    static Bundle bundle;
    /** The node without its DNAT rules: a request seen only leaving eth0 then crossed the node unchanged. */
    static Bundle noDnat;
    /**
     * The node without its DNAT rules and its routes to its pods: a request seen only leaving eth0 then tells nothing
     * of where it came from (the route back to its source is eth0 itself, where it was not seen arriving).
     */
    static Bundle unknownSources;
    static Run eth0;
    static Run eth0NoDnat;
    static Run eth0UnknownSources;
    static Run veth;
    static Run all;

    private record Run(AnalysisResult result, List<PacketTrace> traces) {
    }

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 100, 8_000, BenchBundle.DEFAULT_SEED);
        bundle = new BundleOpener().open(dir).bundle();
        Path one = dir.resolve("eth0.pcap");
        assertTrue(OneInterface.keep(dir.resolve("capture.pcap"), one, 2) > 1_000);
        eth0 = run(bundle, one);
        noDnat = without(dir.resolve("no-dnat"), "-j DNAT");
        eth0NoDnat = run(noDnat, one);
        unknownSources = without(dir.resolve("unknown-sources"), "-j DNAT", " dev cali");
        eth0UnknownSources = run(unknownSources, one);
        Path pod = dir.resolve("veth.pcap");
        assertTrue(OneInterface.keep(dir.resolve("capture.pcap"), pod, 3) > 50);
        veth = run(bundle, pod);
        all = run(bundle, dir.resolve("capture.pcap"));
    }

    /** The node's bundle written to {@code to} without the lines of its text files that contain one of {@code left}. */
    private static Bundle without(Path to, String... left) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().endsWith(".txt")) {
                    Files.write(to.resolve(f.getFileName()), Files.readAllLines(f).stream()
                            .filter(line -> java.util.Arrays.stream(left).noneMatch(line::contains)).toList());
                }
            }
        }
        return new BundleOpener().open(to).bundle();
    }

    private static Run run(Bundle node, Path capture) {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisResult r = Analyzer.analyze(node, Optional.of(capture), AnalysisOptions.DEFAULT, traces::add,
                n -> { }, () -> false);
        return new Run(r, traces);
    }

    /**
     * eth0 alone: each request is replayed as it arrived from the pod (its service address from the DNAT rule that sent
     * it to the endpoint the frame shows) and each reply as it arrived; every frame gets the NAT and the fate the
     * capture of every interface gives the same packet.
     */
    @Test
    void eth0AloneAgreesWithTheCaptureOfEveryInterface() {
        Map<String, PacketTrace> whole = new HashMap<>();
        all.traces.forEach(t -> whole.put(key(t), t));
        int compared = 0;
        for (PacketTrace t : eth0.traces) {
            assertEquals(FrameRole.INGRESS, t.role(), "frame " + t.packet().frame() + ": " + t.reason());
            PacketTrace same = whole.get(key(t));
            String frame = "eth0 frame " + t.packet().frame() + ", whole capture frame " + same.packet().frame();
            assertEquals(same.disposition(), t.disposition(), frame);
            assertEquals(same.nat(), t.nat(), frame);
            compared++;
        }
        assertEquals(eth0.traces.size(), compared);
        assertTrue(eth0.traces.stream().anyMatch(t -> t.packet().dir().equals("out") && t.nat().isPresent()
                && t.notes().get(0).contains("replayed as the packet that arrived")));
        assertTrue(eth0.result.findings().stream().noneMatch(f -> f.code().equals(Codes.PARTIAL_CAPTURE)));
    }

    /**
     * The node without DNAT rules: a request seen only leaving eth0 crossed it unchanged (no rule could have changed
     * it), so it is replayed as it arrived from the pod with the addresses it left with, and leaves as the frame shows;
     * its reply then finds its connection, and nothing is left out.
     */
    @Test
    void withoutDnatRulesARequestSeenOnlyLeavingIsReplayedUnchanged() {
        List<PacketTrace> rebuilt = eth0NoDnat.traces.stream().filter(t -> t.packet().dir().equals("out")).toList();
        assertTrue(rebuilt.size() > 500, rebuilt.size() + " requests");
        int firsts = 0;
        for (PacketTrace t : rebuilt) {
            String frame = "frame " + t.packet().frame() + ": " + t.reason() + " " + t.notes();
            assertEquals(FrameRole.INGRESS, t.role(), frame);
            assertEquals(Disposition.FORWARDED, t.disposition(), frame);
            String note = t.notes().get(0);
            assertTrue(note.startsWith("seen only leaving on eth0: replayed as the packet that arrived on cali"), frame);
            assertEquals(t.packet().src().orElseThrow(), t.nat().map(n -> n.before().src()).orElse(
                    t.packet().src().orElseThrow()), frame);
            // the first packet of its connection unchanged, the next ones from the connection that opened
            boolean unchanged = note.contains(io.pktpath.core.replay.Arrival.Basis.UNCHANGED.why());
            assertTrue(unchanged || note.contains(io.pktpath.core.replay.Arrival.Basis.CONNECTION.why()), frame);
            firsts += unchanged ? 1 : 0;
            assertTrue(t.nat().isEmpty() || !t.nat().get().changed(), frame);
            assertEquals("eth0", t.route().orElseThrow().dev(), frame);
        }
        assertTrue(firsts > 100 && firsts < rebuilt.size(), firsts + " first packets of " + rebuilt.size());
        assertTrue(eth0NoDnat.traces.stream().allMatch(t -> t.role() == FrameRole.INGRESS), "every frame replayed");
        List<String> codes = eth0NoDnat.result.findings().stream().map(Finding::code).toList();
        assertFalse(codes.contains(Codes.PARTIAL_CAPTURE), codes.toString());
        assertFalse(codes.contains(Codes.INVALID_DROP), codes.toString());
    }

    /**
     * A node without DNAT rules whose POSTROUTING masquerades all it sends out eth0: a frame leaving eth0 with a pod's
     * address did not cross this node unchanged (its rules would have changed the source), so it is not rebuilt so.
     */
    @Test
    void aPacketTheRulesWouldHaveChangedIsNotRebuiltUnchanged() throws Exception {
        Path to = dir.resolve("masquerade-all");
        without(to, "-j DNAT");
        Path rules = to.resolve("iptables-save.txt");
        Files.writeString(rules, Files.readString(rules).replace("-A POSTROUTING -m comment --comment \"kubernetes"
                + " postrouting rules\"", "-A POSTROUTING -o eth0 -j MASQUERADE\n-A POSTROUTING -m comment --comment"
                + " \"kubernetes postrouting rules\""));
        Run masqueraded = run(new BundleOpener().open(to).bundle(), dir.resolve("eth0.pcap"));
        List<PacketTrace> leaving = masqueraded.traces.stream().filter(t -> t.packet().dir().equals("out")).toList();
        assertTrue(leaving.size() > 500, leaving.size() + " frames");
        assertTrue(leaving.stream().allMatch(PartialCapture::leftUnseen),
                leaving.stream().filter(t -> !PartialCapture.leftUnseen(t)).findFirst().map(t -> t.reason() + " "
                        + t.notes()).orElse(""));
    }

    /**
     * An endpoint that two services send to: a request seen only leaving towards it is rebuilt with the first service
     * address the rules give (by the order of their DNAT rules in the dump), and its note says it was the first of two.
     */
    @Test
    void anEndpointOfTwoServicesIsRebuiltWithTheFirstAndSaysSo() throws Exception {
        PacketTrace first = eth0.traces.stream().filter(t -> t.packet().dir().equals("out") && t.nat().isPresent()
                && t.notes().get(0).contains(io.pktpath.core.replay.Arrival.Basis.DNAT_RULE.why())).findFirst()
                .orElseThrow();
        String endpoint = first.packet().dst().orElseThrow() + ":" + first.packet().dport();
        Path to = dir.resolve("two-services");
        without(to);
        Path rules = to.resolve("iptables-save.txt");
        String text = Files.readString(rules);
        int services = text.indexOf("\n-A KUBE-SERVICES ", text.indexOf("*nat")) + 1;
        text = text.substring(0, services) + "-A KUBE-SERVICES -d 10.96.255.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-TWICE\n"
                + "-A KUBE-SVC-TWICE -j KUBE-SEP-TWICE\n"
                + "-A KUBE-SEP-TWICE -p tcp -m tcp -j DNAT --to-destination " + endpoint + "\n" + text.substring(services);
        int nat = text.indexOf("*nat");
        text = text.substring(0, nat) + text.substring(nat).replaceFirst(":KUBE-SERVICES - \\[0:0\\]",
                ":KUBE-SERVICES - [0:0]\n:KUBE-SVC-TWICE - [0:0]\n:KUBE-SEP-TWICE - [0:0]");
        Files.writeString(rules, text);
        Run twice = run(new BundleOpener().open(to).bundle(), dir.resolve("eth0.pcap"));
        PacketTrace same = twice.traces.stream().filter(t -> t.packet().frame() == first.packet().frame()).findFirst()
                .orElseThrow();
        String frame = "frame " + same.packet().frame() + ": " + same.reason() + " " + same.notes();
        assertTrue(same.notes().get(0).contains(io.pktpath.core.replay.Arrival.Basis.DNAT_RULE.why()
                + ", the first of the 2 the rules give whose replay leaves as this frame;"), frame);
        // the first in the dump's order of the DNAT rules: here the service's own, whose rule comes before the added one
        assertEquals(first.nat().orElseThrow().before(), same.nat().orElseThrow().before(), frame);
        assertTrue(first.notes().get(0).contains(io.pktpath.core.replay.Arrival.Basis.DNAT_RULE.why() + ";"),
                "one service: no count, " + first.notes());
    }

    /**
     * A pod's veth alone shows the pod's new connections arriving but not leaving (by eth0 or another pod's veth), and
     * the generated node has no conntrack -L: their service's endpoint is the first branch, which UNDECIDED_BRANCH
     * says, counting exactly those packets; the capture of every interface decides every branch and raises none.
     */
    @Test
    void branchesNoFrameDecidesAreCountedInAnInfoFinding() {
        long undecided = veth.traces.stream().filter(t -> t.path().stream().anyMatch(s -> s instanceof
                io.pktpath.core.trace.UndecidedStep u && u.decidedBy().equals(io.pktpath.core.trace.UndecidedStep
                .NO_EGRESS_COPY))).count();
        assertTrue(undecided > 10, undecided + " packets");
        Finding f = veth.result.findings().stream().filter(x -> x.code().equals(Codes.UNDECIDED_BRANCH)).findFirst()
                .orElseThrow();
        assertEquals(FindingSeverity.INFO, f.severity());
        assertTrue(f.title().startsWith(undecided + " packet(s) took a random branch"), f.title());
        assertFalse(f.rules().isEmpty());
        assertTrue(f.rules().get(0).startsWith("nat KUBE-SVC-"), f.rules().toString());
        assertTrue(all.result.findings().stream().noneMatch(x -> x.code().equals(Codes.UNDECIDED_BRANCH)));
        assertTrue(all.traces.stream().noneMatch(t -> t.path().stream().anyMatch(s -> s instanceof
                io.pktpath.core.trace.UndecidedStep u && !u.decidedByCapture())));
    }

    private static String key(PacketTrace t) {
        return t.packet().timeNanos() + " " + t.packet().iface() + " " + t.packet().dir() + " " + t.packet().info();
    }

    @Test
    void repliesToPacketsSeenOnlyLeavingAreNamedNotReplayed() {
        Map<Long, PacketTrace> byFrame = new HashMap<>();
        eth0UnknownSources.traces.forEach(t -> byFrame.put(t.packet().frame(), t));
        int replies = 0;
        for (PacketTrace t : eth0UnknownSources.traces) {
            assertTrue(t.disposition() != Disposition.INVALID_STATE, "frame " + t.packet().frame() + ": " + t.reason());
            if (PartialCapture.answersUnseen(t)) {
                replies++;
                long request = Long.parseLong(t.reason().substring("answers frame ".length(), t.reason().indexOf(' ',
                        "answers frame ".length())));
                PacketTrace left = byFrame.get(request);
                assertTrue(request < t.packet().frame() && PartialCapture.leftUnseen(left), t.reason());
                assertEquals(left.packet().src(), t.packet().dst(), t.reason());
                assertEquals(left.packet().sport(), t.packet().dport(), t.reason());
                assertEquals(left.packet().dst(), t.packet().src(), t.reason());
            }
        }
        assertTrue(replies > 500, replies + " replies");
    }

    @Test
    void partialCaptureSaysWhatTheCaptureLacksAndNoFalseDropOrRaceIsFound() {
        List<String> codes = eth0UnknownSources.result.findings().stream().map(Finding::code).toList();
        assertTrue(codes.contains(Codes.PARTIAL_CAPTURE), codes.toString());
        assertFalse(codes.contains(Codes.INVALID_DROP), codes.toString());
        assertFalse(codes.contains(Codes.RACE_UDP_INSERT), codes.toString());
        Finding partial = eth0UnknownSources.result.findings().stream().filter(f -> f.code().equals(Codes.PARTIAL_CAPTURE))
                .findFirst().orElseThrow();
        long left = eth0UnknownSources.traces.stream().filter(PartialCapture::leftUnseen).count();
        long replies = eth0UnknownSources.traces.stream().filter(PartialCapture::answersUnseen).count();
        assertTrue(partial.title().startsWith("the capture holds eth0 of the node's "), partial.title());
        assertTrue(partial.title().contains(": " + left + " forwarded packet(s) left the node with no incoming copy"
                + " in the capture, and " + replies + " packet(s) answering them were not replayed"), partial.title());
        assertEquals(4, partial.frames().size());
        assertEquals(FindingSeverity.WARNING, partial.severity());
    }

    /**
     * A capture of one pod's veth: the pod's first packets are replayed (and DNAT'd), and each reply, seen only leaving
     * towards the pod, is replayed as the packet that arrived (the connection's reply tuple, on the device of the route
     * back), which leaves exactly as the frame shows; so the pod's next packets find their connection established and
     * every frame is replayed, none INVALID, none unanswered, no race.
     */
    @Test
    void aPodsVethAloneIsReplayedWholeWithItsRepliesRebuilt() {
        assertTrue(veth.traces.stream().allMatch(t -> t.role() == FrameRole.INGRESS), "every frame replayed");
        assertTrue(veth.traces.stream().allMatch(t -> t.disposition() == Disposition.FORWARDED));
        List<PacketTrace> rebuilt = veth.traces.stream().filter(t -> t.packet().dir().equals("out")).toList();
        assertTrue(rebuilt.size() > 50, rebuilt.size() + " replies");
        for (PacketTrace t : rebuilt) {
            String frame = "frame " + t.packet().frame();
            String note = t.notes().get(0);
            String prefix = "seen only leaving on " + t.packet().iface() + ": replayed as the packet that arrived on ";
            assertTrue(note.startsWith(prefix), frame + ": " + t.notes());
            // from the uplink (endpoints on other nodes) or another pod's veth (endpoints on this node)
            String arrivedOn = note.substring(prefix.length(), note.indexOf(',', prefix.length()));
            assertTrue(arrivedOn.equals("eth0") || arrivedOn.startsWith("cali") && !arrivedOn.equals(t.packet().iface()),
                    frame + ": " + note);
            var leftAs = t.nat().orElseThrow().after();
            assertEquals(t.packet().src().orElseThrow(), leftAs.src(), frame);
            assertEquals(t.packet().sport(), leftAs.sport(), frame);
            assertEquals(t.packet().dst().orElseThrow(), leftAs.dst(), frame);
            assertEquals(t.packet().dport(), leftAs.dport(), frame);
            assertEquals(t.packet().iface(), t.route().orElseThrow().dev(), frame);
        }
        List<String> codes = veth.result.findings().stream().map(Finding::code).toList();
        assertFalse(codes.contains(Codes.UNANSWERED), codes.toString());
        assertFalse(codes.contains(Codes.RACE_UDP_INSERT), codes.toString());
        assertFalse(codes.contains(Codes.PARTIAL_CAPTURE), "nothing was left out: " + codes);
        long replied = veth.result.flows().stream().filter(f -> f.replied()).count();
        assertTrue(replied > 0 && replied * 2 >= veth.result.flows().size(), replied + " of " + veth.result.flows().size()
                + " flows replied");
    }

    /**
     * A packet seen only leaving answers the connection it is the inverse of from the moment it was captured (so that
     * connection is not unanswered, and a datagram sent again after it races nothing), and shows the capture lacks a
     * device: only the ones it holds are known to be captured.
     */
    @Test
    void aPacketSeenLeavingAnswersItsConnectionFromItsTime() {
        CaptureCoverage coverage = new CaptureCoverage();
        eth0UnknownSources.traces.forEach(coverage::accept);
        PacketTrace left = eth0UnknownSources.traces.stream().filter(PartialCapture::leftUnseen).findFirst().orElseThrow();
        io.pktpath.core.trace.Tuple original = new io.pktpath.core.trace.Tuple(left.packet().proto(),
                left.packet().dst().orElseThrow(), left.packet().dport(), left.packet().src().orElseThrow(),
                left.packet().sport());
        long at = left.packet().timeNanos();
        assertTrue(coverage.answered(original));
        assertFalse(coverage.answeredBefore(original, at));
        assertTrue(coverage.answeredBefore(original, at + 1));
        assertFalse(coverage.answered(new io.pktpath.core.trace.Tuple(original.protocol(), original.src(),
                original.sport() + 1, original.dst(), original.dport())));
        assertTrue(coverage.holds("eth0"));
        assertFalse(coverage.holds("cali0f066824e0c"), "the uplink's capture lacks the pods' veths");
        assertTrue(new CaptureCoverage().holds("cali0f066824e0c"),
                "nothing says a capture lacks a device until a packet is seen only leaving");
    }

    @Test
    void packetsSeenOnlyLeavingWithNoReplyLeftOutAreNoFinding() {
        CaptureCoverage coverage = new CaptureCoverage();
        eth0UnknownSources.traces.stream().filter(PartialCapture::leftUnseen).forEach(coverage::accept);
        assertEquals(List.of(), coverage.findings(bundle));
        eth0UnknownSources.traces.forEach(coverage::accept);
        assertEquals(1, coverage.findings(bundle).size());
    }

    @Test
    void aCaptureOfEveryInterfaceIsUnchanged() {
        assertTrue(all.traces.stream().noneMatch(t -> t.role() == FrameRole.NOT_REPLAYED));
        assertTrue(all.result.findings().stream().noneMatch(f -> f.code().equals(Codes.PARTIAL_CAPTURE)));
    }
}
