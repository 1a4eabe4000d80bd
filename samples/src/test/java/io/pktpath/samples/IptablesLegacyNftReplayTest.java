package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.iptables.model.IptablesBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/iptables-legacy-nft replayed: one node whose rules live in iptables-nft (loaded first) and iptables-legacy
 * (loaded after, so its tables run first at each priority). Every expectation comes from the kernel's recording: the
 * rule counters of both backends (scenario.env, written from iptables-save -c and iptables-legacy-save -c), the
 * conntrack entries (which DNAT mapped), the probes (what timed out) and the capture (what never left).
 */
class IptablesLegacyNftReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("iptables-legacy-nft");

    private static AnalysisResult analyze(List<PacketTrace> traces) throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        return Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
    }

    /** The replay's packet count of the one rule of {@code table} (as the replay names it) whose text has {@code text}. */
    private static long hits(RuleHits hits, Bundle bundle, String table, String text) {
        List<RuleRef> rules = new ArrayList<>();
        for (RuleRef r : hits.hitRules()) {
            if (r.table().equals(table) && r.text().contains(text)) {
                rules.add(r);
            }
        }
        assertTrue(rules.size() <= 1, rules.toString());
        return rules.isEmpty() ? 0 : hits.rule(rules.get(0)).packets();
    }

    @Test
    void theBundleHoldsBothBackendsToldApartByContent() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        assertEquals(IptablesBackend.NFT, IptablesBackend.of(bundle.rulesetV4().orElseThrow()));
        assertEquals(IptablesBackend.LEGACY, IptablesBackend.of(bundle.legacy().rulesetV4().orElseThrow()));
        assertTrue(bundle.legacy().countersV4().before().isPresent() && bundle.legacy().countersV4().after().isPresent());
        assertTrue(bundle.diagnostics().stream().noneMatch(d -> d.code().equals("IPT101")),
                "the legacy dump answers the warning: " + bundle.diagnostics());
    }

    @Test
    void perRuleCountersOfBothBackendsAreTheKernels() throws IOException {
        Map<String, String> kernel = RecordedBundles.scenarioEnv(DIR);
        AnalysisResult r = analyze(new ArrayList<>());
        RuleHits hits = r.hits().orElseThrow();
        Bundle b = r.bundle();
        String[][] rules = {
            {"LEGACY_DNAT_CLUSTERIP", "legacy nat", "-d 10.96.0.10/32"},
            {"LEGACY_DNAT_NODE", "legacy nat", "-d 172.18.0.2/32"},
            {"NFT_DNAT_NODE", "nat", "-d 172.18.0.2/32"},
            {"LEGACY_MASQ", "legacy nat", "MASQUERADE"},
            {"LEGACY_DROP_8081", "legacy filter", "--dport 8081 -j DROP"},
            {"NFT_ACCEPT_8081", "filter", "--dport 8081 -j ACCEPT"},
            {"LEGACY_MARK_20", "legacy mangle", "--dport 5300"},
            {"NFT_DROP_MARK_20", "filter", "--mark 0x20 -j DROP"},
            {"NFT_MARK_10", "mangle", "--dport 8082"},
            {"LEGACY_ACCEPT_MARK_10", "legacy filter", "--mark 0x10 -j ACCEPT"}};
        for (String[] rule : rules) {
            assertEquals(Long.parseLong(kernel.get(rule[0])), hits(hits, b, rule[1], rule[2]), rule[0]);
        }
        // the kernel's own comparison of every rule and policy of both backends, counters and traced steps
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences());
        assertEquals(report.compared(), report.equal());
        assertEquals(report.hitsCompared(), report.hitsEqual());
        long counted = java.util.stream.Stream.of("iptables-save-c-after.txt", "iptables-legacy-save-c-after.txt")
                .mapToLong(f -> lines(f).stream().filter(l -> l.startsWith("[") || l.startsWith(":") && !l.contains(" - "))
                        .count()).sum();
        assertEquals(counted, report.hitsCompared(), "every rule and built-in policy of both dumps");
    }

    @Test
    void thePacketsTheLegacyDropDroppedAndTheNatItMapped() throws IOException {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisResult r = analyze(traces);
        // probes.txt: the uplink's connection to 10.244.1.3:8081 timed out; the kernel counted its SYNs on the legacy
        // DROP, none on the nft ACCEPT of the same port
        assertTrue(lines("probes.txt").stream().anyMatch(l -> l.contains("tcp 10.244.1.3:8081 result=timeout")));
        List<PacketTrace> syns = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                && t.packet().info().contains("172.18.0.1:43005 > 10.244.1.3:8081 [S]")).toList();
        Map<String, String> kernel = RecordedBundles.scenarioEnv(DIR);
        assertEquals(Long.parseLong(kernel.get("LEGACY_DROP_8081")), syns.size());
        for (PacketTrace t : syns) {
            assertEquals(Disposition.DROPPED_BY_RULE, t.disposition());
            RuleStep last = (RuleStep) t.decisiveStep().orElseThrow();
            assertEquals("legacy filter", last.rule().table());
            assertTrue(last.rule().span().file().equals("iptables-legacy-save.txt"), last.rule().toString());
        }
        // the datagram to 5300: marked by the legacy mangle table, dropped by iptables-nft's filter on that mark
        List<PacketTrace> udp = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                && t.packet().info().contains("172.18.0.1:43007 > 10.244.1.3:5300")).toList();
        assertEquals(Long.parseLong(kernel.get("NFT_DROP_MARK_20")), udp.size());
        assertEquals(Disposition.DROPPED_BY_RULE, udp.get(0).disposition());
        assertTrue(udp.get(0).reason().startsWith("dropped by filter FORWARD rule 1 (iptables-save.txt:"));
        assertTrue(udp.get(0).kernelSteps().stream().anyMatch(s -> s instanceof RuleStep rs
                && rs.rule().table().equals("legacy mangle") && rs.effects().contains("mark 0x0 -> 0x20")));
        // conntrack -L: every connection to the node's :80 went to web:8080 (the legacy DNAT), none to :8081 (nft's)
        Pattern entry = Pattern.compile("src=172\\.18\\.0\\.1 dst=172\\.18\\.0\\.2 sport=(\\d+) dport=80 "
                + "src=(\\S+) dst=172\\.18\\.0\\.1 sport=(\\d+)");
        int checked = 0;
        for (String line : lines("conntrack-L.txt")) {
            Matcher m = entry.matcher(line);
            if (!m.find()) {
                continue;
            }
            PacketTrace first = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                    && t.packet().info().contains("172.18.0.1:" + m.group(1) + " > 172.18.0.2:80 [S]")).findFirst()
                    .orElseThrow();
            assertEquals(m.group(2), first.nat().orElseThrow().after().dst().toString());
            assertEquals(Integer.parseInt(m.group(3)), first.nat().orElseThrow().after().dport());
            assertTrue(first.kernelSteps().stream().anyMatch(s -> s instanceof RuleStep rs
                    && rs.rule().table().equals("legacy nat")), "the legacy nat table mapped it");
            assertTrue(first.kernelSteps().stream().noneMatch(s -> s instanceof RuleStep rs
                    && rs.rule().table().equals("nat")), "the nft nat table was not walked (its counter stayed 0)");
            checked++;
        }
        assertEquals(Long.parseLong(kernel.get("LEGACY_DNAT_NODE")), checked);
        Finding legacy = r.findings().stream().filter(f -> f.code().equals(Codes.LEGACY_TABLES)).findFirst().orElseThrow();
        assertTrue(legacy.frames().containsAll(syns.stream().map(t -> t.packet().frame()).toList()), legacy.toString());
        assertTrue(legacy.evidence().stream().anyMatch(e -> e.startsWith("dropped by legacy filter FORWARD #1")),
                legacy.evidence().toString());
        assertFalse(legacy.title().contains("not in the dump"));
        assertTrue(r.assumptions().stream().anyMatch(a -> a.startsWith("the iptables-legacy tables (IPv4) are replayed")));
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(DIR.resolve(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
