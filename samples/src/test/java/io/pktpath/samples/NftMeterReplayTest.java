package io.pktpath.samples;

import static io.pktpath.samples.NftChainTrace.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
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
 * bundles/nft-meter replayed: per-element {@code limit}, {@code ct count} and {@code quota} in dynamic sets
 * ({@code add @set { ip saddr ... }}, {@code update} on a set of size 1 and on a set whose elements time out) and
 * meters (one keyed by {@code ip saddr . udp dport}), two clients (172.18.0.1, 172.18.0.11) sending to the node. Every packet that reached the native chain
 * is compared, in order, with what nft-trace.txt says the kernel did with it, the counters with the kernel's, and for
 * each port and source the packets dropped are the ones the kernel dropped: one source limited, the other not.
 */
class NftMeterReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-meter");
    private static final String CHAIN = "inet pkp_nmet input";
    private static final String A = "172.18.0.1";
    private static final String B = "172.18.0.11";
    private static final Pattern COUNTERS = Pattern.compile(" counter packets \\d+ bytes \\d+");

    /** One packet the native chain saw ({@code udp 172.18.0.1:42006>5006 S}) and what took it. */
    record Seen(String packet, String decision) {
        boolean dropped() {
            return decision.endsWith(" drop");
        }

        String source() {
            return packet.substring(packet.indexOf(' ') + 1, packet.indexOf(':'));
        }

        String port() {
            return packet.substring(packet.indexOf('>') + 1, packet.lastIndexOf(' '));
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

    /** nft trace's packet line as {@code PROTO SRC:SPORT>DPORT S} (S: a SYN) or {@code icmp SRC:TYPE>0 -}. */
    private static String describe(String line) {
        String proto = field(line, "ip protocol");
        String src = field(line, "ip saddr");
        if (proto.equals("icmp")) {
            return "icmp " + src + ":" + field(line, "icmp type") + ">0 -";
        }
        return proto + " " + src + ":" + field(line, proto + " sport") + ">" + field(line, proto + " dport") + " "
                + (line.contains("tcp flags == syn ") ? "S" : "-");
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
            String src = p.src().map(Object::toString).orElse("?");
            String what = p.proto() == Packet.ICMP ? "icmp " + src + ":" + (p.icmpType() == 3 ? "destination-unreachable"
                    : Integer.toString(p.icmpType())) + ">0 -"
                    : (p.proto() == Packet.UDP ? "udp " : "tcp ") + src + ":" + p.sport() + ">" + p.dport() + " "
                    + (p.proto() == Packet.TCP && p.tcpFlags() == 0x02 ? "S" : "-");
            String decision = nativeStep(t).map(r -> normal(r.rule().text())).orElse("policy accept");
            out.add(new Seen(what, decision));
        }
        return out;
    }

    private static Optional<RuleStep> nativeStep(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals("inet pkp_nmet"))
                .map(s -> (RuleStep) s).reduce((a, b) -> b);
    }

    private static List<PacketTrace> traces() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** For each port and source ({@code 22 172.18.0.1}), whether each new packet there (in order) was dropped. */
    private static Map<String, List<Boolean>> bySource(List<Seen> seen) {
        Map<String, List<Boolean>> out = new LinkedHashMap<>();
        for (Seen s : seen) {
            boolean first = s.packet().endsWith(" S") || s.packet().startsWith("udp ");
            if (first) {
                out.computeIfAbsent(s.port() + " " + s.source(), k -> new ArrayList<>()).add(s.dropped());
            }
        }
        return out;
    }

    @Test
    void theChainIsReplayedAndEveryPacketTakesTheRuleTheKernelTookItWith() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        assertTrue(b.nftReplay().refusal(CHAIN).isEmpty(), b.nftReplay().refusal(CHAIN).toString());
        List<Seen> kernel = kernel();
        // 8 SYNs, 27 datagrams, the handshakes' and closes' other packets, and port unreachables from the clients
        assertTrue(kernel.size() >= 45, kernel.toString());
        assertEquals(kernel, replayed(traces()), "every inbound IP packet of the capture reached the chain, as traced");
    }

    @Test
    void theKernelsVerdictsAndCountersAreThoseOfTheReplay() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertTrue(report.hitsCompared() >= 8, report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }

    @Test
    void eachSourceIsLimitedCountedAndChargedOnItsOwnAsTheKernelDid() throws IOException {
        Map<String, List<Boolean>> kernel = bySource(kernel());
        assertEquals(kernel, bySource(replayed(traces())));
        // what the recording shows of nft_dynset: A over its own limit, count and quota; B, later, with fresh ones
        for (String port : List.of("22", "5005", "5006")) {
            assertTrue(kernel.get(port + " " + A).contains(true), port + ": A was limited " + kernel);
            assertFalse(kernel.get(port + " " + B).contains(true), port + ": B was not " + kernel);
            assertEquals(List.of(false, false), kernel.get(port + " " + A).subList(0, 2), "a fresh element lets A in");
        }
        assertTrue(kernel.get("53 " + A).contains(true) && !kernel.get("53 " + B).contains(true), "the meter");
        // the set of size 1 holds A's element: B's cannot be created and the statement ends the rule (not dropped)
        assertEquals(List.of(false, true, true), kernel.get("5007 " + A));
        assertEquals(List.of(false, false), kernel.get("5007 " + B));
        // add keeps the timeout: the element expires and comes back with a full bucket; update refreshes it
        assertEquals(List.of(false, true, false), kernel.get("5008 " + A));
        assertEquals(List.of(false, true, true, true), kernel.get("5009 " + A));
        // a concatenated key (ip saddr . udp dport): an element, and a bucket of burst 1, per source and port
        assertEquals(List.of(false, true), kernel.get("5010 " + A));
        assertEquals(List.of(false, true), kernel.get("5011 " + A));
        assertEquals(List.of(false), kernel.get("5010 " + B));
        // a limit before the port test: the datagram to 5021 paid one of the bucket's two packets before the test
        // turned it away (to the next rule's drop), so the second to 5020 found none
        assertEquals(List.of(true), kernel.get("5021 " + A));
        assertEquals(List.of(false, true), kernel.get("5020 " + A));
    }

    @Test
    void fromNftJsonTheChainIsReplayedTheSame() throws IOException {
        Bundle json = NftJsonBundle.load(DIR);
        assertTrue(json.nftReplay().refusal(CHAIN).isEmpty(), json.nftReplay().refusal(CHAIN).toString());
        List<String> fromJson = NftJsonBundle.v4Rules(json);
        List<String> fromText = NftJsonBundle.v4Rules(BundleLoader.loadDirectory(DIR));
        assertEquals(11, fromText.size());
        assertEquals(fromText, fromJson);
        assertEquals(kernel(), replayed(CaptureReplays.replay(json, DIR.resolve("capture.pcap"))));
    }

    @Test
    void theStepsSayWhatTheElementsExpressionFound() throws IOException {
        List<PacketTrace> traces = traces();
        List<PacketTrace> synsA = traces.stream().filter(t -> t.packet().dir().equals("in") && t.packet().dport() == 22
                && t.packet().tcpFlags() == 0x02 && t.packet().src().get().toString().equals(A)).toList();
        PacketTrace first = synsA.get(0);
        assertTrue(first.notes().contains("@ratelimit4: the element 172.18.0.1 is created in the replay (the set's"
                + " elements at capture start are unknown, the listing being taken after the traffic: it starts"
                + " empty)"), first.notes().toString());
        PacketTrace third = synsA.get(2);
        // the first two SYNs paid the fresh bucket's 2 packets; what 3/minute refilled since the first (one packet in
        // 20 s) is left
        double refilled = (third.packet().timeNanos() - first.packet().timeNanos()) / 20e9;
        assertEquals(List.of("limit rate over 3/minute burst 2 packets: over the rate, tokens for "
                + String.format(java.util.Locale.ROOT, "%.2f", refilled) + " of 2 packets (it needs 1)",
                "@ratelimit4: the element 172.18.0.1, expires 60 s after it was created"),
                nativeStep(third).orElseThrow().effects());
        PacketTrace fromB = traces.stream().filter(t -> t.packet().dir().equals("in") && t.packet().dport() == 22
                && t.packet().tcpFlags() == 0x02 && t.packet().src().get().toString().equals(B)).findFirst()
                .orElseThrow();
        assertTrue(fromB.notes().stream().anyMatch(n -> n.startsWith("@ratelimit4: the element 172.18.0.11 is created")),
                fromB.notes().toString());
    }
}
