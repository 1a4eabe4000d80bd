package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/arp-proxy-ignore replayed: which ARP requests the node answered is read from the recording itself (an ARP
 * reply the node sent on the request's interface, is-at the requested address, to the requester), with a reader of its
 * own of the SLL2 pcap, and pktpath's answer, disposition and tie must agree frame by frame; the rule that decided each
 * request follows from the scenario's set-up (proxy_arp on the cali veth, arp_ignore 1 on ign0 and 2 on ig20).
 */
class ArpProxyIgnoreReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("arp-proxy-ignore");
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int PACKET_OUTGOING = 4;

    /** One ARP frame as the capture holds it (1-based frame number, SLL2 interface, direction, ARP fields). */
    private record ArpFrame(long frame, String iface, boolean out, int op, String sender, String target) {
    }

    /** The capture's ARP frames, read straight from the pcap bytes (little-endian pcap, LINUX_SLL2). */
    private static List<ArpFrame> arpFrames() throws IOException {
        Map<Integer, String> names = new HashMap<>();
        for (String pair : RecordedBundles.scenarioValue(DIR, "NODE_NS_IFACES").split(" ")) {
            String[] kv = pair.split(":", 2);
            names.put(Integer.parseInt(kv[0]), kv[1]);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(DIR.resolve("capture.pcap"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "a little-endian microsecond pcap");
        assertEquals(LINKTYPE_LINUX_SLL2, b.getInt(20));
        List<ArpFrame> frames = new ArrayList<>();
        int at = 24;
        for (long frame = 1; at + 16 <= b.limit(); frame++) {
            int caplen = b.getInt(at + 8);
            int p = at + 16;
            ByteBuffer big = b.duplicate().order(ByteOrder.BIG_ENDIAN);
            int protocol = big.getShort(p) & 0xffff;
            if (protocol == 0x0806 && caplen >= 20 + 28) {
                int ifindex = big.getInt(p + 4);
                int pktType = big.get(p + 10) & 0xff;
                int arp = p + 20;
                frames.add(new ArpFrame(frame, names.get(ifindex), pktType == PACKET_OUTGOING,
                        big.getShort(arp + 6) & 0xffff, ipv4(big, arp + 14), ipv4(big, arp + 24)));
            }
            at = p + caplen;
        }
        return frames;
    }

    private static String ipv4(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) + "." + (b.get(at + 1) & 0xff) + "." + (b.get(at + 2) & 0xff) + "." + (b.get(at + 3) & 0xff);
    }

    /** The reply frame after {@code request} on its interface going the other way that answers it, or 0 for none. */
    private static long answer(List<ArpFrame> frames, ArpFrame request) {
        for (ArpFrame f : frames) {
            if (f.frame() > request.frame() && f.op() == 2 && f.out() != request.out() && f.iface().equals(request.iface())
                    && f.sender().equals(request.target())
                    && (request.out() || f.target().equals(request.sender()))) {
                return f.frame();
            }
        }
        return 0;
    }

    private static ArpStep arpStep(PacketTrace t) {
        assertTrue(!t.path().isEmpty() && t.path().get(t.path().size() - 1) instanceof ArpStep,
                "frame " + t.packet().frame() + " ends with an arp step: " + t.path());
        return (ArpStep) t.path().get(t.path().size() - 1);
    }

    @Test
    void everyArpFrameIsAnsweredAndTiedAsTheCaptureShows() throws IOException {
        List<ArpFrame> frames = arpFrames();
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        Map<Long, Long> answeredBy = new HashMap<>();
        int requestsIn = 0;
        int answeredIn = 0;
        for (ArpFrame f : frames) {
            PacketTrace t = traces.get((int) f.frame() - 1);
            assertEquals(f.frame(), t.packet().frame());
            assertEquals(f.out() ? Disposition.SENT : Disposition.DELIVERED_LOCALLY, t.disposition(), t.reason());
            assertEquals(f.out() ? FrameRole.LOCAL_OUT : FrameRole.INGRESS, t.role(), t.reason());
            ArpStep step = arpStep(t);
            assertEquals(f.iface(), step.dev());
            if (f.op() == 1) {
                long reply = answer(frames, f);
                assertEquals(reply != 0, step.answered(), "frame " + f.frame() + ": " + t.reason());
                assertEquals(reply == 0 ? List.of() : List.of(reply), t.correlated(), "frame " + f.frame());
                if (reply != 0) {
                    answeredBy.put(reply, f.frame());
                }
                if (!f.out()) {
                    requestsIn++;
                    answeredIn += reply != 0 ? 1 : 0;
                }
                if (f.out()) {
                    assertEquals(ArpRule.SOLICIT, step.rule());
                }
            } else {
                Long request = answeredBy.get(f.frame());
                assertEquals(request == null ? List.of() : List.of(request), t.correlated(), "frame " + f.frame());
                assertEquals(f.out() ? ArpRule.REPLY_SENT : ArpRule.REPLY_RECEIVED, step.rule());
            }
        }
        // the clients' side (probes.txt): one request per arping, and the replies each got; besides them the pod's
        // kernel asks for its gateway before its ping and the uplink for the node, both answered
        List<String> arpings = Files.readAllLines(DIR.resolve("probes.txt")).stream()
                .filter(l -> l.startsWith("arping ")).toList();
        long answeredArpings = arpings.stream().filter(l -> l.endsWith(": 1 reply(ies)")).count();
        assertEquals(10, arpings.size());
        assertEquals(arpings.size() + 2, requestsIn);
        assertEquals(answeredArpings + 2, answeredIn);
    }

    @Test
    void eachRequestIsDecidedByTheRuleTheScenarioSetUp() throws IOException {
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        String cali = RecordedBundles.scenarioValue(DIR, "CALICO_IF");
        Map<String, ArpRule> expected = new HashMap<>();
        expected.put(cali + " who-has 169.254.1.1 tell 10.244.1.2", ArpRule.PROXY_ARP);
        expected.put(cali + " who-has 10.244.9.9 tell 10.244.1.2", ArpRule.NOT_LOCAL);
        expected.put(cali + " who-has 172.18.0.2 tell 10.244.1.2", ArpRule.LOCAL);
        expected.put("ign0 who-has 10.1.0.1 tell 10.1.0.2", ArpRule.LOCAL);
        expected.put("ign0 who-has 10.2.0.1 tell 10.1.0.2", ArpRule.ARP_IGNORE);
        expected.put("ign0 who-has 10.1.0.1 tell 0.0.0.0", ArpRule.DAD_PROBE);
        expected.put("acc0 who-has 10.1.0.1 tell 10.2.0.2", ArpRule.LOCAL);
        expected.put("acc0 who-has 10.2.0.99 tell 10.2.0.2", ArpRule.NOT_LOCAL);
        expected.put("ig20 who-has 10.3.0.1 tell 10.3.0.2", ArpRule.LOCAL);
        expected.put("ig20 who-has 10.3.0.1 tell 10.9.0.5", ArpRule.ARP_IGNORE);
        expected.put("eth0 who-has 172.18.0.2 tell 172.18.0.1", ArpRule.LOCAL);
        Map<String, ArpRule> replayed = new HashMap<>();
        for (PacketTrace t : traces) {
            if (t.packet().dir().equals("in") && t.packet().info().startsWith("ARP who-has")) {
                replayed.put(t.packet().iface() + " " + t.packet().info().substring(4), arpStep(t).rule());
            }
        }
        assertEquals(expected, replayed);
    }

    @Test
    void theUnansweredSeriesForTheGhostBacksTheFailedNeighbour() throws IOException {
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
        String ghost = RecordedBundles.scenarioValue(DIR, "GHOST_IP");
        List<PacketTrace> series = traces.stream()
                .filter(t -> t.packet().info().equals("ARP who-has " + ghost + " tell 172.18.0.2")).toList();
        assertEquals(3, series.size(), "mcast_solicit: three broadcasts before the entry fails");
        String frames = String.join(",", series.stream().map(t -> Long.toString(t.packet().frame())).toList());
        assertTrue(series.get(2).reason().contains("unanswered requests for " + ghost + " on eth0: frames " + frames),
                series.get(2).reason());
        assertTrue(series.get(2).reason().endsWith("ip neigh after the capture: " + ghost + " FAILED"),
                series.get(2).reason());
        // the finding of the failed next hop cites the same series as its evidence
        var result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.of(DIR.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
        String evidence = "the node's ARP requests for it got no answer in the capture: 3 frames ("
                + frames.replace(",", ", ") + ")";
        assertTrue(result.findings().stream().anyMatch(f -> f.code().equals(Codes.NEIGHBOR_FAILED)
                && f.title().contains(ghost + " dev eth0") && f.evidence().contains(evidence)),
                result.findings().toString());
    }

    /** The bundle copied into {@code dir} with ign0's arp_ignore set to {@code value}. */
    private static Path withIgn0ArpIgnore(Path dir, int value) throws IOException {
        Path copy = dir.resolve("arp_ignore-" + value);
        Files.createDirectories(copy);
        try (var files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path sysctl = copy.resolve("sysctl.txt");
        String text = Files.readString(sysctl);
        assertTrue(text.contains("net.ipv4.conf.ign0.arp_ignore = 1\n"));
        Files.writeString(sysctl, text.replace("net.ipv4.conf.ign0.arp_ignore = 1\n",
                "net.ipv4.conf.ign0.arp_ignore = " + value + "\n"));
        return copy;
    }

    private static PacketTrace request(List<PacketTrace> traces, String iface, String info) {
        return traces.stream().filter(t -> t.packet().iface().equals(iface) && t.packet().info().equals(info))
                .findFirst().orElseThrow(() -> new AssertionError(iface + " " + info));
    }

    @Test
    void aReplyTheModelPredictsButTheCaptureLacksAndTheReverseAreSaid(@TempDir Path dir) throws IOException {
        // with arp_ignore 0 on ign0 the model answers the request for acc0's address, which the kernel (1) left alone
        Path zero = withIgn0ArpIgnore(dir, 0);
        PacketTrace lacking = request(CaptureReplays.replay(BundleLoader.loadDirectory(zero),
                zero.resolve("capture.pcap")), "ign0", "ARP who-has 10.2.0.1 tell 10.1.0.2");
        assertTrue(arpStep(lacking).answered());
        assertTrue(lacking.reason().contains("but the capture shows no reply leaving on ign0"), lacking.reason());
        assertTrue(lacking.notes().stream().anyMatch(n -> n.startsWith("the model predicts a reply to this request"
                + " that the capture lacks")), lacking.notes().toString());
        // with 8 the model answers nothing on ign0, but the capture shows the kernel's reply to the request for its own
        Path never = withIgn0ArpIgnore(dir, 8);
        List<PacketTrace> traces = CaptureReplays.replay(BundleLoader.loadDirectory(never), never.resolve("capture.pcap"));
        PacketTrace unexpected = request(traces, "ign0", "ARP who-has 10.1.0.1 tell 10.1.0.2");
        assertTrue(!arpStep(unexpected).answered());
        assertEquals(1, unexpected.correlated().size());
        long reply = unexpected.correlated().get(0);
        assertTrue(unexpected.reason().contains("yet frame " + reply + " leaves on ign0 answering it"),
                unexpected.reason());
        assertTrue(unexpected.notes().stream().anyMatch(n -> n.startsWith("the model predicts no reply to this request,"
                + " but the capture shows one")), unexpected.notes().toString());
        PacketTrace replyTrace = traces.get((int) reply - 1);
        assertEquals(List.of(unexpected.packet().frame()), replyTrace.correlated());
        assertTrue(replyTrace.reason().contains("which the model leaves unanswered (arp_ignore)"), replyTrace.reason());
    }
}
