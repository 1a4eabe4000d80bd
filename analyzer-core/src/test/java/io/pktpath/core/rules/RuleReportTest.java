package io.pktpath.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.iptables.model.Counters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rule report on a recorded bundle: replay hits beside the kernel's counter deltas, never-hit rules. */
class RuleReportTest {
    private static Path sample(String name) {
        return SampleBundles.sample(name);
    }

    private static RuleUsage row(RuleReport r, String label) {
        return r.rows().stream().filter(u -> u.rule().map(x -> x.label().equals(label)).orElse(false)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + label));
    }

    @Test
    void clusterIpHitsMatchTheKernelCounters() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(sample("clusterip-tcp"));
        AnalysisResult result = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { },
                () -> false);
        RuleReport report = RuleReport.of(bundle, result.hits());
        assertTrue(report.replayed());
        assertTrue(report.kernelCounters());
        RuleUsage web1 = row(report, "nat KUBE-SEP-2AZ33KU3V5PGPQZH #2");
        assertEquals(new Counters(4, 240), web1.replayed());
        assertEquals(Optional.of(new Counters(4, 240)), web1.kernel());
        assertEquals(new Counters(1, 60), row(report, "nat KUBE-SEP-LOQZ6LJZSXX5P3TW #2").replayed());
        assertTrue(report.neverHit().contains(row(report, "nat KUBE-SEP-2AZ33KU3V5PGPQZH #1")));
        assertFalse(report.neverHit().contains(web1));
        assertEquals(report.rows().stream().filter(RuleUsage::disagrees).toList(), report.disagreements());
    }

    @Test
    void withoutAReplayNothingIsNeverHit() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(sample("clusterip-tcp"));
        RuleReport report = RuleReport.of(bundle, Optional.empty());
        assertFalse(report.replayed());
        assertEquals(0, report.neverHit().size());
        assertEquals(Counters.ZERO, row(report, "nat KUBE-SEP-2AZ33KU3V5PGPQZH #2").replayed());
        assertEquals(Optional.of(new Counters(4, 240)), row(report, "nat KUBE-SEP-2AZ33KU3V5PGPQZH #2").kernel());
    }

    /**
     * nft-native-forward's rules were loaded right before its traffic and listed right after it, so each rule's
     * {@code counter packets N bytes M} in the listing is the kernel's count for the capture: the replay's hits of the
     * native rules it translated must equal them, each nft rule one row however many rules it was translated into.
     */
    @Test
    void nativeNftRulesAreRowsWithTheReplaysHitsWhichEqualTheListingsCounters() throws IOException {
        Path dir = sample("nft-native-forward");
        Bundle bundle = BundleLoader.loadDirectory(dir);
        AnalysisResult result = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT, t -> { }, n -> { },
                () -> false);
        RuleReport report = RuleReport.of(bundle, result.hits());
        java.util.regex.Pattern counter = java.util.regex.Pattern.compile("counter packets (\\d+) bytes (\\d+)");
        int compared = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RuleUsage u : report.rows()) {
            if (u.rule().isEmpty() || !u.table().startsWith("inet pkp_nf") || u.family() != 4) {
                continue;
            }
            assertTrue(seen.add(u.rule().get().label()), "one row per nft rule: " + u.rule().get().label());
            assertEquals(Optional.empty(), u.kernel());
            java.util.regex.Matcher m = counter.matcher(u.rule().get().text());
            if (m.find()) {
                assertEquals(new Counters(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))), u.replayed(),
                        u.rule().get().label() + ": " + u.rule().get().text());
                compared++;
            }
        }
        assertTrue(compared >= 5, "rules with a counter compared: " + compared);
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("the native nftables chains replayed from "
                + "nft-ruleset.txt are listed with the replay's hits only")), report.notes().toString());
    }
}
