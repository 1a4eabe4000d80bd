package io.pktpath.samples;

import static io.pktpath.samples.NftChainTrace.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-limit replayed: nft's {@code limit} (packet mode, {@code over}, byte mode), {@code quota} (and
 * {@code over}) and {@code ct count over 2} in a native input chain fed paced bursts. Every packet that reached the
 * chain is compared, in order, with what nft-trace.txt says the kernel did with it (the rule that took it, or the
 * policy), and the packets over a limit, a quota or the count are checked to be the ones the kernel dropped.
 */
class NftLimitReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-limit");
    private static final String CHAIN = "inet pkp_nlim input";
    private static final Pattern COUNTERS = Pattern.compile(" counter packets \\d+ bytes \\d+| used \\d+ [a-z]+");

    /** One packet the native chain saw: what it is ({@code udp 100 41001>5001}) and what took it. */
    record Seen(String packet, String decision) {
        boolean dropped() {
            return decision.endsWith(" drop");
        }
    }

    private static String normal(String rule) {
        return COUNTERS.matcher(rule).replaceAll("").replace(" counter ", " ").strip();
    }

    /** The packets of nft-trace.txt at the native chain, in trace order, with the rule (or policy) that took each. */
    private static List<Seen> kernel() throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), CHAIN, line -> describe(line), rule -> normal(rule))
                .stream().map(d -> new Seen(d.packet(), d.decision())).toList();
    }

    /** nft trace's packet line as {@code udp LENGTH SPORT>DPORT} or {@code icmp LENGTH TYPE}. */
    private static String describe(String line) {
        String proto = field(line, "ip protocol");
        String length = field(line, "ip length");
        return proto.equals("icmp") ? "icmp " + length + " " + field(line, "icmp type")
                : proto + " " + length + " " + field(line, proto + " sport") + ">" + field(line, proto + " dport");
    }

    /** The replay's inbound IPv4 frames to the node, in capture order, described as {@link #describe} does. */
    private static List<Seen> replayed(List<PacketTrace> traces) {
        List<Seen> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            PacketSummary p = t.packet();
            if (!p.dir().equals("in") || p.family() != 4 || p.dst().isEmpty()
                    || !p.dst().get().toString().equals("172.18.0.2")) {
                continue;
            }
            String what = p.proto() == Packet.ICMP ? "icmp " + p.length() + " " + switch (p.icmpType()) {
                case 8 -> "echo-request";
                case 3 -> "destination-unreachable";
                default -> Integer.toString(p.icmpType());
            } : (p.proto() == Packet.UDP ? "udp " : "tcp ") + p.length() + " " + p.sport() + ">" + p.dport();
            String decision = nativeStep(t).map(r -> normal(r.rule().text())).orElse("policy accept");
            out.add(new Seen(what, decision));
        }
        return out;
    }

    private static java.util.Optional<RuleStep> nativeStep(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals("inet pkp_nlim"))
                .map(s -> (RuleStep) s).reduce((a, b) -> b);
    }

    private static List<PacketTrace> traces() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        return CaptureReplays.replay(b, DIR.resolve("capture.pcap"));
    }

    @Test
    void theChainIsReplayedAndEveryPacketTakesTheRuleTheKernelsTookIt() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertTrue(b.nftReplay().refusal(CHAIN).isEmpty(), b.nftReplay().refusal(CHAIN).toString());
        assertEquals(List.of("input"), b.nftReplay().chains().stream().map(c -> c.name()).toList());
        List<Seen> kernel = kernel();
        // 15 echo requests, 32 datagrams and the uplink's port unreachables for answers to closed client sockets
        assertTrue(kernel.size() >= 47, kernel.toString());
        assertEquals(kernel, replayed(CaptureReplays.replay(b, DIR.resolve("capture.pcap"))),
                "every inbound IP packet of the capture reached the chain, as in the trace");
    }

    @Test
    void fromNftJsonTheChainIsReplayedTheSame() throws IOException {
        // the bundle without its listing: the native table comes from nft -j list ruleset
        Bundle json = NftJsonBundle.load(DIR);
        assertTrue(json.nftReplay().refusal(CHAIN).isEmpty(), json.nftReplay().refusal(CHAIN).toString());
        List<String> fromJson = NftJsonBundle.v4Rules(json);
        List<String> fromText = NftJsonBundle.v4Rules(BundleLoader.loadDirectory(DIR));
        assertEquals(9, fromText.size());
        assertEquals(fromText, fromJson);
        List<Seen> replayed = replayed(CaptureReplays.replay(json, DIR.resolve("capture.pcap")));
        // the JSON prints no counters and no quota use: the rule texts are compared without them on both sides
        assertEquals(kernel(), replayed);
    }

    @Test
    void theKernelsVerdictsAndCountersAreThoseOfTheReplay() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertEquals(16, report.hitsCompared(), report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }

    @Test
    void theEchoRequestsOverTheLimitAreTheOnesTheKernelDropped() throws IOException {
        List<Boolean> kernelDrops = kernel().stream().filter(s -> s.packet().endsWith("echo-request"))
                .map(Seen::dropped).toList();
        assertEquals(15, kernelDrops.size());
        // nft_limit's bucket is full when the rule is loaded: burst 3 lets the first three of a burst pass, not more
        assertEquals(List.of(false, false, false, true), kernelDrops.subList(0, 4));
        assertTrue(kernelDrops.subList(4, 10).contains(false), "the bucket refilled within the first ping's 1.1 s");
        List<Boolean> replayDrops = new ArrayList<>();
        for (PacketTrace t : traces()) {
            if (t.packet().dir().equals("in") && t.packet().proto() == Packet.ICMP && t.packet().icmpType() == 8) {
                replayDrops.add(t.disposition() == Disposition.DROPPED_BY_RULE);
            }
        }
        assertEquals(kernelDrops, replayDrops);
    }

    @Test
    void theDatagramsOverTheLimitsQuotasAndCountAreTheOnesTheKernelDropped() throws IOException {
        Map<Integer, List<Boolean>> kernel = byPort(kernel());
        Map<Integer, List<Boolean>> replay = byPort(replayed(traces()));
        assertEquals(kernel, replay);
        assertEquals(List.of(false, false, false, false, false, true), kernel.get(5002),
                "quota 500 bytes: the fifth 100-byte datagram makes 500, not over; the sixth is");
        assertEquals(List.of(false, false, false, true, true), kernel.get(5003), "quota over 300 bytes");
        assertEquals(List.of(false, false, true, true, true, true), kernel.get(5005),
                "ct count over 2: the third and fourth flows, and then the first two again (the dropped fourth"
                        + " flow's entry is still listed: the count stays 3)");
        assertTrue(kernel.get(5001).contains(true) && kernel.get(5001).contains(false));
        assertTrue(kernel.get(5004).contains(true) && kernel.get(5004).contains(false));
    }

    /** For each UDP destination port, whether each datagram (in order) was dropped. */
    private static Map<Integer, List<Boolean>> byPort(List<Seen> seen) {
        Map<Integer, List<Boolean>> out = new LinkedHashMap<>();
        for (Seen s : seen) {
            if (s.packet().startsWith("udp ")) {
                int port = Integer.parseInt(s.packet().substring(s.packet().indexOf('>') + 1));
                out.computeIfAbsent(port, k -> new ArrayList<>()).add(s.dropped());
            }
        }
        return out;
    }

    @Test
    void theStepsSayWhatTheBucketQuotaAndCountHeld() throws IOException {
        List<PacketTrace> traces = traces();
        PacketTrace firstEcho = traces.stream().filter(t -> t.packet().icmpType() == 8).findFirst().orElseThrow();
        assertEquals(List.of("limit rate 2/second burst 3 packets: within the rate, tokens for 2.00 of 3 packets left"
                + " after it"), nativeStep(firstEcho).orElseThrow().effects());
        assertTrue(firstEcho.notes().contains("nft limit of inet pkp_nlim input #1 assumed full at capture start, as the"
                + " kernel fills it when the rule is loaded"), firstEcho.notes().toString());
        PacketTrace again = traces.stream().filter(t -> t.packet().sport() == 42001 && t.packet().dir().equals("in"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(Disposition.DROPPED_BY_RULE, again.disposition());
        assertEquals(List.of("ct count over 2: 3 connections counted by the rule (over 2)"),
                nativeStep(again).orElseThrow().effects());
        PacketTrace quota = traces.stream().filter(t -> t.packet().dport() == 5002).findFirst().orElseThrow();
        assertEquals(List.of("quota 500 bytes used 500 bytes: 100 of 500 bytes consumed with this packet's 100 (within"
                + " the quota)"), nativeStep(quota).orElseThrow().effects());
        assertTrue(quota.notes().contains("nft quota of inet pkp_nlim input #4 assumed unused at capture start (the"
                + " listing, taken after the traffic, says used 500 bytes)"), quota.notes().toString());
    }
}
