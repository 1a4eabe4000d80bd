package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bundles/docker-nftables replayed: a Docker Engine 29 host with {@code --firewall-backend=nftables} (tables ip and ip6
 * docker-bridges in the shape of moby's nftabler; docker0 172.17.0.0/16 with web 172.17.0.2 publishing 8080->80/tcp, a
 * user-defined network br-5f1c2e9a7b3d 172.19.0.0/16 with app 172.19.0.2). Every expectation comes from the kernel's
 * recording: nft-trace.txt (the native rules each packet met), the listing's counters, conntrack-L.txt, probes.txt.
 * The published port is DNATed through nat-PREROUTING's {@code fib daddr type local} jump and accepted in
 * filter-forward-in__docker0 (reached by filter-FORWARD's {@code oifname vmap}); egress is masqueraded by the chain
 * nat-POSTROUTING's {@code iifname vmap} reaches (the forwarded packet's input device); across networks raw's DROP
 * DIRECT ACCESS drops, and an address without an endpoint meets UNPUBLISHED PORT DROP.
 */
class DockerNftablesReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("docker-nftables");
    private static final String TABLE = "ip docker-bridges";
    private static final Pattern TRACE_PACKET = Pattern.compile(
            "^trace id (\\S+) ip \\S+ \\S+ packet: .*?ip saddr (\\S+) ip daddr (\\S+) .*?tcp sport (\\d+) tcp dport (\\d+)");
    private static final Pattern TRACE_RULE = Pattern.compile(
            "^trace id (\\S+) ip docker-bridges (\\S+) rule (.+?) \\(verdict ([^)]+)\\)$");
    private static final Pattern CT = Pattern.compile("^tcp .*? src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) "
            + "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) ");
    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+ ?");

    private static List<PacketTrace> replay() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        return CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
    }

    private static String norm(String rule) {
        return COUNTER.matcher(rule).replaceAll("").replaceAll("\\s*# handle \\d+$", "").strip();
    }

    /** The native steps of a packet as "chain verdict". */
    private static List<String> nativeSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r && r.rule().table().equals(TABLE)
                ? r.rule().chain() + " " + r.verdict() : s instanceof PolicyStep p && p.table().equals(TABLE)
                ? p.chain() + " " + p.verdict() : "").filter(s -> !s.isEmpty()).toList();
    }

    /** The replayed SYNs (first hook, not copies) whose text holds {@code from} and {@code to}. */
    private static List<PacketTrace> syns(List<PacketTrace> traces, String from, String to) {
        return traces.stream().filter(t -> (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                && t.packet().info().contains(" [S] ") && t.packet().info().contains(from)
                && t.packet().info().contains(to)).toList();
    }

    /** conntrack-L.txt: "src:sport>dst:dport" (original) → {reply src:sport, reply dst}. */
    private static Map<String, String[]> conntrack() throws IOException {
        Map<String, String[]> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = CT.matcher(line);
            if (m.find()) {
                out.put(m.group(1) + ":" + m.group(3) + ">" + m.group(2) + ":" + m.group(4),
                        new String[] {m.group(5) + ":" + m.group(7), m.group(6)});
            }
        }
        return out;
    }

    /** nft-trace.txt: "chain rule" → packets; with {@code byVerdict}, "chain rule" → "saddr:sport" → packets. */
    private static Map<String, Map<String, Integer>> kernelRules() throws IOException {
        Map<String, String> packetOf = new HashMap<>();
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            String l = line.strip();
            Matcher p = TRACE_PACKET.matcher(l);
            if (p.find()) {
                packetOf.put(p.group(1), p.group(2) + ":" + p.group(4));
                continue;
            }
            Matcher r = TRACE_RULE.matcher(l);
            if (r.find()) {
                out.computeIfAbsent(r.group(2) + " " + norm(r.group(3)), k -> new TreeMap<>())
                        .merge(packetOf.getOrDefault(r.group(1), "?"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static int total(Map<String, Integer> bySource) {
        return bySource == null ? 0 : bySource.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void verifyFindsEveryTracedPacketAndEveryNativeCounterEqual() throws IOException {
        DockerBridgesTrace.assertVerifyAgrees(DIR, 80, 20);
    }

    @Test
    void eachNativeRuleMatchesTheSamePacketsAsTheKernelTraced() throws IOException {
        Map<String, Map<String, Integer>> replayed = new TreeMap<>();
        for (PacketTrace t : replay()) {
            if (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT || t.packet().family() == 0) {
                continue; // ARP frames (family 0) meet no IP hook
            }
            String info = t.packet().info();
            String source = info.substring(0, info.indexOf(" > ")).replaceAll("^.* ", "");
            for (var s : t.kernelSteps()) {
                if (s instanceof RuleStep r && r.rule().table().equals(TABLE)) {
                    replayed.computeIfAbsent(r.rule().chain() + " " + norm(r.rule().text()), k -> new TreeMap<>())
                            .merge(source, 1, Integer::sum);
                }
            }
        }
        Map<String, Map<String, Integer>> kernel = kernelRules();
        assertTrue(kernel.containsKey("raw-PREROUTING ip daddr 172.17.0.2 iifname != \"docker0\" drop comment"
                + " \"DROP DIRECT ACCESS\""), kernel.keySet().toString());
        Map<String, Integer> kernelTotals = new TreeMap<>();
        Map<String, Integer> replayTotals = new TreeMap<>();
        kernel.forEach((k, v) -> kernelTotals.put(k, total(v)));
        replayed.forEach((k, v) -> replayTotals.put(k, total(v)));
        assertEquals(kernelTotals, replayTotals, "per native rule: packets in nft-trace.txt vs the replay");
        for (String drop : List.of("raw-PREROUTING ip daddr 172.17.0.2 iifname != \"docker0\" drop comment"
                + " \"DROP DIRECT ACCESS\"", "raw-PREROUTING ip daddr 172.19.0.2 iifname != \"br-5f1c2e9a7b3d\" drop"
                + " comment \"DROP DIRECT ACCESS\"", "filter-forward-in__docker0 drop comment \"UNPUBLISHED PORT DROP\"")) {
            assertEquals(kernel.get(drop), replayed.get(drop), "the packets " + drop + " dropped, by source");
        }
    }

    @Test
    void thePublishedPortIsDnatedToTheContainerAndAcceptedByItsForwardRule() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String[]> ct = conntrack();
        List<PacketTrace> published = syns(traces, "172.18.0.1:4100", "> 172.18.0.2:8080");
        assertEquals(3, published.size(), "the uplink's 3 connections");
        for (PacketTrace t : published) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            // as nft-trace.txt shows each SYN: the empty nat-postrouting-in__docker0 returns to the policy
            assertEquals(List.of("raw-PREROUTING POLICY:ACCEPT", "nat-PREROUTING JUMP:nat-prerouting-and-output",
                    "nat-prerouting-and-output ACCEPT", "filter-FORWARD JUMP:filter-forward-in__docker0",
                    "filter-forward-in__docker0 ACCEPT", "nat-POSTROUTING JUMP:nat-postrouting-in__docker0",
                    "nat-POSTROUTING POLICY:ACCEPT"), nativeSteps(t));
            String[] kernel = ct.get(t.nat().orElseThrow().before().toString().replace(" -> ", ">"));
            assertEquals(kernel[0], t.nat().get().after().dst() + ":" + t.nat().get().after().dport(), "DNAT target");
            assertEquals(kernel[1], t.nat().get().after().src().toString(), "the client's source kept");
            assertFalse(t.nat().get().masquerade());
        }
        PacketTrace node = syns(traces, "172.18.0.2:43007", "").get(0);
        assertTrue(nativeSteps(node).contains("nat-OUTPUT JUMP:nat-prerouting-and-output"), nativeSteps(node).toString());
        String[] kernel = ct.get("172.18.0.2:43007>172.18.0.2:8080");
        assertEquals(kernel[0], node.nat().orElseThrow().after().dst() + ":" + node.nat().get().after().dport());
        assertEquals(kernel[1], node.nat().get().after().src().toString(), "the node's source kept: no hairpin NAT");
    }

    @Test
    void egressIsMasqueradedByTheChainTheInputDevicesVerdictMapReaches() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String[]> ct = conntrack();
        for (String[] c : List.of(new String[] {"172.17.0.2:43001", "docker0"},
                new String[] {"172.19.0.2:43002", "br-5f1c2e9a7b3d"})) {
            PacketTrace t = syns(traces, c[0], "> 172.18.0.1:9000").get(0);
            List<String> s = nativeSteps(t);
            assertTrue(s.contains("filter-forward-out__" + c[1] + " ACCEPT"), "OUTGOING: " + s);
            assertTrue(s.contains("nat-POSTROUTING JUMP:nat-postrouting-out__" + c[1]), s.toString());
            assertTrue(t.nat().orElseThrow().masquerade());
            String[] kernel = ct.get(c[0] + ">172.18.0.1:9000");
            assertEquals(kernel[1], t.nat().get().after().src().toString(), "masqueraded to the uplink's address");
        }
    }

    @Test
    void isolationAndDirectAccessAreDroppedWhereTheKernelDroppedThem() throws IOException {
        List<PacketTrace> traces = replay();
        long timeouts = Files.readAllLines(DIR.resolve("probes.txt")).stream().filter(l -> l.contains("result=timeout"))
                .count();
        assertEquals(4, timeouts, "probes.txt: app->web, app->172.17.0.3, web->app, uplink->web timed out");
        Map<String, String> expected = Map.of("172.19.0.2:43003 > 172.17.0.2:80", "raw-PREROUTING",
                "172.19.0.2:43004 > 172.17.0.3:80", "filter-forward-in__docker0",
                "172.17.0.2:43005 > 172.19.0.2:80", "raw-PREROUTING",
                "172.18.0.1:43006 > 172.17.0.2:80", "raw-PREROUTING");
        Map<String, Map<String, Integer>> kernel = kernelRules();
        for (var e : expected.entrySet()) {
            List<PacketTrace> dropped = syns(traces, e.getKey(), "");
            String source = e.getKey().substring(0, e.getKey().indexOf(' '));
            int kernelDrops = kernel.entrySet().stream().filter(k -> k.getKey().startsWith(e.getValue() + " ")
                    && k.getKey().contains(" drop ")).mapToInt(k -> k.getValue().getOrDefault(source, 0)).sum();
            assertTrue(kernelDrops >= 1, e.getKey());
            assertEquals(kernelDrops, dropped.size(), "the SYN and its retransmissions: " + e.getKey());
            for (PacketTrace t : dropped) {
                assertEquals(Disposition.DROPPED_BY_RULE, t.disposition(), t.reason());
                List<String> s = nativeSteps(t);
                assertEquals(e.getValue() + " DROP", s.get(s.size() - 1), s.toString());
            }
        }
        var result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.empty(), AnalysisOptions.DEFAULT,
                t -> { }, n -> { }, () -> false);
        assertTrue(result.findings().stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)),
                "every docker-bridges chain is replayed");
    }

    @Test
    void theJsonListingAloneReplaysEveryFrameAsTheTextListingDoes(@TempDir Path copy) throws IOException {
        try (var files = Files.list(DIR)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().matches("nft-(ruleset|input)\\.txt")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Bundle json = BundleLoader.loadDirectory(copy);
        assertTrue(json.nftRuleset().orElseThrow().file().endsWith("nft-ruleset.json"), json.nftRuleset().get().file());
        List<PacketTrace> fromJson = CaptureReplays.replay(json, copy.resolve("capture.pcap"));
        List<PacketTrace> fromText = replay();
        assertEquals(fromText.size(), fromJson.size());
        for (int i = 0; i < fromText.size(); i++) {
            PacketTrace t = fromText.get(i);
            PacketTrace j = fromJson.get(i);
            assertEquals(t.disposition() + " " + t.nat() + " " + nativeSteps(t),
                    j.disposition() + " " + j.nat() + " " + nativeSteps(j), "frame " + t.packet().frame());
        }
    }
}
