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
}
