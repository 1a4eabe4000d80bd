package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/nft-set-verdict replayed: rules whose set statement ({@code add}, {@code update}, {@code delete @set}) is
 * followed by a verdict in the same rule. Checked against the kernel's recording, never against pktpath's own output:
 * each packet the kernel traced through {@code inet pkp_sv input} (nft-trace.txt) takes the same rules with the same
 * verdicts in the replay (one step for a rule with a statement and a verdict; a {@code meta mark set} before a jump is
 * read by the chain jumped to), each native rule's counter (nft-ruleset.txt) equals the frames the replay counts for it,
 * and the sets the replay leaves are the elements nft listed after the traffic (nft-set-after.txt), with the same time
 * left for each.
 */
class NftSetVerdictReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("nft-set-verdict");
    private static final String TABLE = "inet pkp_sv";
    private static final Pattern PACKET = Pattern.compile("trace id (\\w+) inet pkp_sv input packet: .* ip saddr (\\S+)"
            + " .* ip id (\\d+) .* tcp sport (\\d+) tcp dport (\\d+) .*");
    private static final Pattern RULE = Pattern.compile("trace id (\\w+) inet pkp_sv (\\w+) (?:policy (\\w+)|rule (.*)"
            + " \\(verdict (\\w+)(?: (\\S+))?\\))\\s*");
    private static final Pattern COUNTED = Pattern.compile("^\\s*(.*counter) packets (\\d+) bytes \\d+(.*?) # handle \\d+$");
    /** A set element created or refreshed (its set, the element, its timeout), or deleted (the element, its set). */
    private static final Pattern EFFECT = Pattern.compile("@(\\S+): (?:created the element (\\S+)|the element (\\S+)"
            + " .*\\(timeout refreshed\\)).*, expires (\\d+) s after this packet|deleted (\\S+) from (\\S+)");
    private static final Pattern ELEMENT = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)(?: timeout \\S+)? expires (\\S+)");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?"
            + "(?:(\\d+)ms)?");

    /** A rule's nft text without its counter's values, as the trace (at trace time) and the listing both hold it. */
    private static String uncounted(String text) {
        return text.replaceAll("counter packets \\d+ bytes \\d+", "counter").strip();
    }

    /** The native chains' steps of a replayed frame, each as "chain: rule text => verdict". */
    private static List<String> nativeSteps(PacketTrace t) {
        return t.path().stream().filter(s -> s instanceof RuleStep r && r.rule().table().equals(TABLE))
                .map(s -> ((RuleStep) s).rule().chain() + ": " + uncounted(((RuleStep) s).rule().text()) + " => "
                        + ((RuleStep) s).verdict()).toList();
    }

    /**
     * The kernel's native steps of each packet it traced through inet pkp_sv input, by saddr, ip id and ports: the rule
     * lines nft monitor trace printed after the packet's line in that chain, under its trace id.
     */
    private static Map<String, List<String>> kernelSteps() throws IOException {
        Map<String, List<String>> open = new HashMap<>();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            Matcher p = PACKET.matcher(line);
            if (p.matches()) {
                List<String> steps = new ArrayList<>();
                String key = p.group(2) + " id " + p.group(3) + " " + p.group(4) + " > " + p.group(5);
                assertEquals(null, out.put(key, steps), "one walk of the chain per packet: " + key);
                open.put(p.group(1), steps);
                continue;
            }
            Matcher r = RULE.matcher(line);
            if (r.matches() && open.containsKey(r.group(1))) {
                String verdict = r.group(3) != null ? "POLICY:" + r.group(3).toUpperCase()
                        : r.group(5).toUpperCase() + (r.group(6) == null ? "" : ":" + r.group(6));
                open.get(r.group(1)).add(r.group(2) + ": " + (r.group(4) != null ? uncounted(r.group(4)) : "policy")
                        + " => " + verdict);
            }
        }
        assertTrue(out.values().stream().noneMatch(List::isEmpty), "every traced packet has its native verdict: " + out);
        return out;
    }

    private static String key(PacketTrace t) {
        return t.packet().src().orElseThrow() + " id " + t.packet().ipId() + " " + t.packet().sport() + " > "
                + t.packet().dport();
    }

    @Test
    void everyPacketTheKernelTracedThroughTheChainTakesTheKernelsOneRuleAndVerdict() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertTrue(bundle.nftReplay().refusal(TABLE + " input").isEmpty(), bundle.nftReplay().refusal(TABLE + " input")
                .orElse(""));
        Map<String, List<String>> kernel = kernelSteps();
        Map<String, List<String>> replayed = new LinkedHashMap<>();
        for (PacketTrace t : CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"))) {
            List<String> steps = nativeSteps(t);
            if (steps.isEmpty()) {
                continue;
            }
            replayed.put(key(t), steps);
            String last = steps.get(steps.size() - 1);
            Disposition expected = last.endsWith("=> ACCEPT") ? Disposition.DELIVERED_LOCALLY
                    : last.contains(" reject ") ? Disposition.REJECTED : Disposition.DROPPED_BY_RULE;
            assertEquals(expected, t.disposition(), "frame " + t.packet().frame() + " " + steps);
        }
        assertEquals(kernel, replayed);
        List<String> combined = kernel.values().stream().flatMap(List::stream)
                .filter(v -> v.contains(" @seen {") || v.contains(" @blocked {") || v.contains("meta mark set")).toList();
        assertEquals(9, combined.size(), "the recording's nine packets through a rule with a statement and a verdict: "
                + combined);
        assertEquals(1, combined.stream().filter(v -> v.endsWith("=> JUMP:marked")).count(), combined.toString());
    }

    @Test
    void eachNativeRuleIsCountedOncePerPacketAsTheKernelCountedIt() throws IOException {
        Map<String, Long> kernel = new TreeMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(DIR.resolve("nft-ruleset.txt"))) {
            if (line.startsWith("table ")) {
                inTable = line.startsWith("table " + TABLE + " ");
            }
            Matcher m = COUNTED.matcher(line);
            if (inTable && m.matches()) {
                kernel.put(uncounted(m.group(1) + m.group(3)), Long.parseLong(m.group(2)));
            }
        }
        assertEquals(9, kernel.size(), kernel.toString());
        Map<String, Long> replayed = new TreeMap<>();
        kernel.keySet().forEach(k -> replayed.put(k, 0L));
        for (PacketTrace t : CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"))) {
            for (String step : nativeSteps(t)) {
                String rule = step.substring(step.indexOf(": ") + 2, step.lastIndexOf(" => "));
                if (replayed.containsKey(rule)) {
                    replayed.merge(rule, 1L, Long::sum);
                }
            }
        }
        assertEquals(kernel, replayed);
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.kernelPackets(), report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(report.hitsCompared(), report.hitsEqual());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("9 native nftables rule counters")),
                report.notes().toString());
    }

    @Test
    void theSetsTheReplayLeavesAreTheOnesNftListedWithTheSameTimeLeft() throws IOException {
        // the replay's elements and when each expires, from the set statements' effects in frame order
        Map<String, Long> expires = new TreeMap<>();
        long lastFrame = 0;
        for (PacketTrace t : CaptureReplays.replay(BundleLoader.loadDirectory(DIR), DIR.resolve("capture.pcap"))) {
            lastFrame = Math.max(lastFrame, t.packet().timeNanos());
            for (var s : t.path()) {
                if (s instanceof RuleStep r && r.rule().table().equals(TABLE)) {
                    for (String effect : r.effects()) {
                        Matcher m = EFFECT.matcher(effect);
                        assertTrue(m.matches() || effect.endsWith("after it was created")
                                || effect.contains("nothing deleted") || effect.startsWith("mark "), effect);
                        if (m.matches() && m.group(1) != null) {
                            String element = m.group(2) != null ? m.group(2) : m.group(3);
                            expires.put(setName(m.group(1)) + " " + element,
                                    t.packet().timeNanos() + Long.parseLong(m.group(4)) * 1_000_000_000L);
                        } else if (m.matches()) {
                            assertTrue(expires.remove(setName(m.group(6)) + " " + m.group(5)) != null, effect);
                        }
                    }
                }
            }
        }
        // the kernel's elements after the traffic and the time each had left
        Map<String, Long> left = new TreeMap<>();
        String set = null;
        for (String line : Files.readAllLines(DIR.resolve("nft-set-after.txt"))) {
            Matcher named = Pattern.compile("\\s*set (\\w+) \\{").matcher(line);
            if (named.matches()) {
                set = named.group(1);
            } else if (line.contains("elements = {")) {
                Matcher e = ELEMENT.matcher(line);
                while (e.find()) {
                    left.put(set + " " + e.group(1), nanos(e.group(2)));
                }
            }
        }
        assertEquals(List.of("blocked 172.18.0.11", "seen 172.18.0.1"), new ArrayList<>(left.keySet()));
        final long last = lastFrame;
        expires.values().removeIf(e -> e <= last);
        assertEquals(left.keySet(), expires.keySet(), "the replay's elements alive at the end of the capture");
        // each element says when nft listed it: the replay's expiry minus the time nft says it had left
        List<Long> listedAt = left.keySet().stream().map(k -> expires.get(k) - left.get(k)).toList();
        long spread = listedAt.stream().mapToLong(Long::longValue).max().orElseThrow()
                - listedAt.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(spread < 50_000_000L, "the elements agree on when they were listed within 50 ms: " + listedAt);
        assertFalse(listedAt.get(0) < last - 50_000_000L, "listed after the last frame: " + listedAt + " " + last);
    }

    /** {@code inet:pkp_sv:seen} (a deletion's ipset) or {@code seen} as {@code seen}. */
    private static String setName(String ipset) {
        return ipset.substring(ipset.lastIndexOf(':') + 1);
    }

    /** nft's {@code 28s968ms}, {@code 1m2s} in nanoseconds. */
    private static long nanos(String text) {
        Matcher m = DURATION.matcher(text);
        assertTrue(m.matches(), text);
        long[] unit = {86_400_000, 3_600_000, 60_000, 1_000, 1};
        long ms = 0;
        for (int g = 1; g <= 5; g++) {
            if (m.group(g) != null) {
                ms += Long.parseLong(m.group(g)) * unit[g - 1];
            }
        }
        return ms * 1_000_000L;
    }
}
