package io.pktpath.samples;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.core.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a Docker nftables recording's nft-trace.txt says the {@code ip} and {@code ip6 docker-bridges} tables did, and the
 * same read off pktpath's replay, in one form: per rule the packets it took, per SYN the chains and verdicts it met.
 */
final class DockerBridgesTrace {
    private static final Pattern RULE = Pattern.compile(
            "^trace id (\\S+) (ip6?) docker-bridges (\\S+) (?:rule (.+?) \\(verdict ([^)]+)\\)|policy (\\S+))\\s*$");
    private static final Pattern PACKET = Pattern.compile("^trace id (\\S+) (ip6?) (\\S+) (\\S+) packet: (.*)$");
    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+ ?");

    private DockerBridgesTrace() {
    }

    /**
     * {@code pktpath verify} of a Docker recording: no difference and no untied packet, at least {@code minPackets}
     * packets of nft-trace.txt and {@code minHits} rule counters (raw's TRACE rules and Docker's) compared, each equal.
     */
    static void assertVerifyAgrees(Path dir, int minPackets, int minHits) throws IOException {
        VerifyReport report = Verifier.verify(dir);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= minPackets, "the packets of nft-trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertTrue(report.hitsCompared() >= minHits, "raw's TRACE rules and Docker's counters: " + report.hitsCompared());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    /** A rule's text without its counter and handle, as the trace and the listing both print it. */
    static String norm(String rule) {
        return COUNTER.matcher(rule).replaceAll("").replaceAll("\\s*# handle \\d+$", "").strip();
    }

    /** The packets the rules whose text contains {@code part} took, summed, by the bundle {@code dir}'s nft-trace.txt. */
    static int kernelHitsContaining(Path dir, String part) throws IOException {
        return kernelRuleHits(dir.resolve("nft-trace.txt")).entrySet().stream().filter(e -> e.getKey().contains(part))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** nft-trace.txt: "ip6 docker-bridges CHAIN RULE" → the packets that rule took (every rule line is one packet). */
    static Map<String, Integer> kernelRuleHits(Path trace) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : Files.readAllLines(trace)) {
            Matcher m = RULE.matcher(line.strip());
            if (m.matches() && m.group(4) != null) {
                out.merge(m.group(2) + " docker-bridges " + m.group(3) + " " + norm(m.group(4)), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The replay's rule steps of the docker-bridges tables, per replayed frame (not the copies), keyed as above. */
    static Map<String, Integer> replayedRuleHits(List<PacketTrace> traces) {
        Map<String, Integer> out = new TreeMap<>();
        for (PacketTrace t : traces) {
            if (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT) {
                continue;
            }
            for (var s : t.kernelSteps()) {
                if (s instanceof RuleStep r && r.rule().table().endsWith(" docker-bridges")) {
                    out.merge(r.rule().table() + " " + r.rule().chain() + " " + norm(r.rule().text()), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /**
     * The docker-bridges steps ("CHAIN VERDICT", verdicts as pktpath names them: ACCEPT, DROP, JUMP:chain,
     * POLICY:ACCEPT) of the packets whose packet lines hold every one of {@code parts}, in trace order: a rule or policy
     * line counts when the last packet line of its trace id held them. The kernel can give a packet a new trace id
     * between hooks (a forwarded frame br_netfilter took in: a new one from FORWARD on) and reuse one for the next
     * packet of a socket, so the packet lines, not the ids, tell which packet a line is about.
     */
    static List<String> kernelSteps(Path trace, String... parts) throws IOException {
        Map<String, Boolean> ofPacket = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (String raw : Files.readAllLines(trace)) {
            String line = raw.strip();
            Matcher p = PACKET.matcher(line);
            if (p.matches()) {
                ofPacket.put(p.group(1), List.of(parts).stream()
                        .allMatch(x -> (" " + p.group(5) + " ").contains(" " + x + " ")));
                continue;
            }
            Matcher r = RULE.matcher(line);
            if (r.matches() && ofPacket.getOrDefault(r.group(1), false)) {
                out.add(r.group(3) + " " + (r.group(6) != null ? "POLICY:" + r.group(6).toUpperCase()
                        : r.group(5).startsWith("jump ") ? "JUMP:" + r.group(5).substring(5) : r.group(5).toUpperCase()));
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("no docker-bridges step in " + trace + " for a packet holding " + List.of(parts));
        }
        return out;
    }

    /** The replay's docker-bridges steps of one frame, as {@link #kernelSteps}. */
    static List<String> replayedSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r && r.rule().table().endsWith(" docker-bridges")
                ? r.rule().chain() + " " + r.verdict() : s instanceof PolicyStep p && p.table().endsWith(" docker-bridges")
                ? p.chain() + " " + p.verdict() : "").filter(s -> !s.isEmpty()).toList();
    }

    /** The replayed SYNs (no ACK; the first hook's frame, not its copies) of the connection from source port {@code sport}. */
    static List<PacketTrace> syns(List<PacketTrace> traces, int sport) {
        return traces.stream().filter(t -> (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                && t.packet().proto() == 6 && t.packet().sport() == sport && (t.packet().tcpFlags() & 0x12) == 0x02)
                .toList();
    }

    /** conntrack-L.txt: "src sport dst dport" of the original direction → "src sport dst dport" of the reply. */
    static Map<String, String> conntrack(Path file) throws IOException {
        Pattern ct = Pattern.compile("^tcp .*? src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) "
                + "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) ");
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ct.matcher(line);
            if (m.find()) {
                out.put(m.group(1) + " " + m.group(3) + " " + m.group(2) + " " + m.group(4),
                        m.group(5) + " " + m.group(7) + " " + m.group(6) + " " + m.group(8));
            }
        }
        return out;
    }
}
