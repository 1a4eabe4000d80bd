package io.pktpath.samples;

import static io.pktpath.samples.NftChainTrace.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * bundles/nft-meter-shared replayed: one dynamic set filled by three statements in two chains (6001's {@code update}
 * with a limit, 6002's {@code add} with a quota in the chain {@code other}, 6003's {@code add} without an expression)
 * and a set of size 1 whose expired element holds its place until the garbage collection (6010). Every datagram the
 * chains saw is compared, in order, with the rule nft-trace.txt says took it, the counters with the kernel's, and for
 * each source and port the datagrams dropped are the ones the kernel dropped.
 */
class NftMeterSharedReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-meter-shared");
    private static final String TABLE = "inet pkp_nms";
    private static final String A = "172.18.0.1";
    private static final String B = "172.18.0.11";
    private static final String C = "172.18.0.12";
    private static final String D = "172.18.0.13";
    private static final Pattern COUNTERS = Pattern.compile(" counter packets \\d+ bytes \\d+");

    /**
     * One packet the chains saw ({@code udp 172.18.0.1:42001>6001}; the clients' port unreachables for the servers'
     * answers as {@code icmp 172.18.0.1}) and the rule (or policy) that took it.
     */
    record Seen(String packet, String decision) {
        boolean dropped() {
            return decision.endsWith(" drop");
        }

        boolean udp() {
            return packet.startsWith("udp ");
        }

        /** {@code 6001 172.18.0.1}. */
        String portAndSource() {
            return packet.substring(packet.indexOf('>') + 1) + " " + packet.substring(4, packet.indexOf(':'));
        }
    }

    private static String normal(String rule) {
        return COUNTERS.matcher(rule).replaceAll("").replace(" counter ", " ").strip();
    }

    /** The datagrams of nft-trace.txt at the chain input (and the rules of other it jumped to), in trace order. */
    private static List<Seen> kernel() throws IOException {
        return NftChainTrace.read(DIR.resolve("nft-trace.txt"), TABLE + " (?:input|other)",
                line -> field(line, "ip protocol").equals("udp") ? "udp " + field(line, "ip saddr") + ":"
                        + field(line, "udp sport") + ">" + field(line, "udp dport") : field(line, "ip protocol") + " "
                        + field(line, "ip saddr"),
                NftMeterSharedReplayTest::normal).stream().map(d -> new Seen(d.packet(), d.decision())).toList();
    }

    /** The replay's inbound UDP datagrams to the node, in capture order, with the last rule of the table that took each. */
    private static List<Seen> replayed(List<PacketTrace> traces) {
        List<Seen> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            PacketSummary p = t.packet();
            if (!p.dir().equals("in") || p.family() != 4 || p.dst().isEmpty()
                    || !p.dst().get().toString().equals("172.18.0.2")) {
                continue;
            }
            String src = p.src().map(Object::toString).orElse("?");
            out.add(new Seen(p.proto() == Packet.UDP ? "udp " + src + ":" + p.sport() + ">" + p.dport()
                    : (p.proto() == Packet.ICMP ? "icmp " : "proto " + p.proto() + " ") + src,
                    nativeStep(t).map(r -> normal(r.rule().text())).orElse("policy accept")));
        }
        return out;
    }

    /** The rule of the table that decided the packet: its last matched rule other than a jump. */
    private static Optional<RuleStep> nativeStep(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals(TABLE)
                && !r.rule().text().contains(" jump ")).map(s -> (RuleStep) s).reduce((a, b) -> b);
    }

    private static List<PacketTrace> traces() throws IOException {
        return CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"));
    }

    /** For each port and source ({@code 6001 172.18.0.1}), whether each datagram there (in order) was dropped. */
    private static Map<String, List<Boolean>> bySource(List<Seen> seen) {
        Map<String, List<Boolean>> out = new LinkedHashMap<>();
        for (Seen s : seen.stream().filter(Seen::udp).toList()) {
            out.computeIfAbsent(s.portAndSource(), k -> new ArrayList<>()).add(s.dropped());
        }
        return out;
    }

    @Test
    void bothChainsAreReplayedAndEveryDatagramTakesTheRuleTheKernelTookItWith() throws IOException {
        Bundle b = BundleLoader.loadDirectory(DIR);
        for (String chain : List.of("input", "other")) {
            assertTrue(b.nftReplay().refusal(TABLE + " " + chain).isEmpty(), b.nftReplay().refusal(TABLE + " " + chain)
                    .toString());
        }
        List<Seen> kernel = kernel();
        assertEquals(22, kernel.stream().filter(Seen::udp).count(), "the 22 datagrams of plan.txt: " + kernel);
        assertEquals(kernel, replayed(traces()), "every inbound datagram reached the chain, as traced");
    }

    @Test
    void theKernelsVerdictsAndCountersAreThoseOfTheReplay() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(report.kernelPackets(), report.compared(), report.text());
        assertEquals(report.compared(), report.equal(), report.text());
        assertTrue(report.hitsCompared() >= 6, report.text());
        assertEquals(report.hitsCompared(), report.hitsEqual(), report.text());
    }

    @Test
    void eachElementKeepsTheExpressionOfTheStatementThatCreatedItAsTheKernelShowed() throws IOException {
        Map<String, List<Boolean>> kernel = bySource(kernel());
        assertEquals(kernel, bySource(replayed(traces())));
        // what the recording shows of nft_dynset: A's element, created by 6001 (limit, burst 2), drops at 6002 though
        // 6002's own quota would not; B's, created by 6002 (quota over 300 bytes), lets four more through at 6001
        // though 6001's burst 2 would not
        assertEquals(List.of(false, false), kernel.get("6001 " + A));
        assertEquals(List.of(true, true), kernel.get("6002 " + A));
        assertEquals(List.of(false), kernel.get("6002 " + B));
        assertEquals(List.of(false, false, false, false, true), kernel.get("6001 " + B));
        // C's element, created by 6003 without an expression: every rule goes on to its drop
        assertEquals(List.of(true), kernel.get("6003 " + C));
        assertEquals(List.of(true), kernel.get("6001 " + C));
        assertEquals(List.of(true), kernel.get("6002 " + C));
        // D's element, created by 6001: 6003's add without expression evaluates its limit (one token: let through)
        assertEquals(List.of(false), kernel.get("6001 " + D));
        assertEquals(List.of(false, true), kernel.get("6003 " + D));
        // @tiny (size 1): A's element, live then expired but not collected, keeps B (and A) out until the collection
        assertEquals(List.of(false, true), kernel.get("6010 " + A));
        assertEquals(List.of(true, true, true, false), kernel.get("6010 " + B));
    }

    @Test
    void theStepsNameTheElementsCreatorAndTheNotesTheGarbageCollection() throws IOException {
        List<PacketTrace> traces = traces();
        List<PacketTrace> aTo6002 = traces.stream().filter(t -> t.packet().dir().equals("in")
                && t.packet().dport() == 6002 && t.packet().src().get().toString().equals(A)).toList();
        List<String> effects = nativeStep(aTo6002.get(0)).orElseThrow().effects();
        assertTrue(effects.get(0).startsWith("limit rate over 1/minute burst 2 packets: over the rate"), effects.toString());
        assertTrue(effects.get(1).startsWith("@flood: the element 172.18.0.1 (created by inet pkp_nms input #1 ('update"
                + " @flood { ip saddr limit rate over 1/minute burst 2 packets }') with its limit)"), effects.toString());
        List<PacketTrace> bTo6010 = traces.stream().filter(t -> t.packet().dir().equals("in")
                && t.packet().dport() == 6010 && t.packet().src().get().toString().equals(B)).toList();
        // +5.5 s: A's element expired 0.5 s before, the set's gc-interval is 30 s
        assertTrue(bTo6010.get(1).notes().stream().anyMatch(n -> n.startsWith("@tiny holds 0 live element(s) of its size"
                + " 1 and 1 expired less than its gc-interval (30 s) ago") && n.contains("taken as not collected yet")),
                bTo6010.get(1).notes().toString());
        // the last, 23 s after A's element expired (the collection ran 30 s after the load, which the capture does
        // not show): taken as collected, with the note that the outcome rests on it
        assertTrue(bTo6010.get(3).notes().stream().anyMatch(n -> n.contains("taken as collected (expired more than"
                + " half the interval ago), so the element 172.18.0.11 is created")), bTo6010.get(3).notes().toString());
    }

    @Test
    void fromNftJsonTheChainsAreReplayedTheSame() throws IOException {
        Bundle json = NftJsonBundle.load(DIR);
        List<String> fromJson = NftJsonBundle.v4Rules(json);
        List<String> fromText = NftJsonBundle.v4Rules(BundleLoader.loadDirectory(DIR));
        assertEquals(6, fromText.size());
        assertEquals(fromText, fromJson);
        assertEquals(kernel(), replayed(CaptureReplays.replay(json, DIR.resolve("capture.pcap"))));
    }
}
