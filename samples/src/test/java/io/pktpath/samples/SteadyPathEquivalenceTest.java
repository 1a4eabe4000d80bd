package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.report.TraceJson;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reusing an established flow's path (the replay's fast path) changes nothing a user can see: on every kernel
 * recording, the traces with misses off, the rule counters, the flows and the findings are identical with and without it.
 */
class SteadyPathEquivalenceTest {
    static List<Path> bundles() {
        return RecordedBundles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void reusingEstablishedPathsChangesNothing(Path dir) throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(dir);
        Run fresh = run(bundle, false);
        Run reused = run(bundle, true);
        assertEquals(fresh.traces.size(), reused.traces.size(), dir + ": trace count");
        for (int i = 0; i < fresh.traces.size(); i++) {
            assertEquals(TraceJson.line(TraceJson.frame(fresh.traces.get(i), false)),
                    TraceJson.line(TraceJson.frame(reused.traces.get(i), false)), dir + ": frame " + (i + 1));
            assertEquals(fresh.traces.get(i), reused.traces.get(i), dir + ": trace record of frame " + (i + 1));
        }
        assertEquals(counters(fresh.result), counters(reused.result), dir + ": rule counters");
        assertEquals(fresh.result.flows(), reused.result.flows(), dir + ": flows");
        assertEquals(fresh.result.findings(), reused.result.findings(), dir + ": findings");
        assertEquals(fresh.result.races(), reused.result.races(), dir + ": races");
    }

    private record Run(AnalysisResult result, List<PacketTrace> traces) {
    }

    private static Run run(Bundle bundle, boolean reuse) {
        List<PacketTrace> traces = new ArrayList<>();
        AnalysisOptions options = new AnalysisOptions(AnalysisOptions.DEFAULT.replay().withSteadyPaths(reuse), "",
                null);
        AnalysisResult result = Analyzer.analyze(bundle, Optional.empty(), options, traces::add, n -> { }, () -> false);
        return new Run(result, traces);
    }

    private static List<String> counters(AnalysisResult r) {
        List<String> out = new ArrayList<>();
        r.hits().ifPresent(h -> {
            for (RuleRef rule : h.hitRules()) {
                out.add(rule.table() + " " + rule.chain() + " " + rule.position() + " " + h.rule(rule));
            }
        });
        return out;
    }
}
