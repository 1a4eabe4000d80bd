package io.pktpath.samples;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.report.TraceJson;
import io.pktpath.parser.bundle.BundleLoader;
import java.nio.file.Path;
import java.util.Optional;

/** Lead's scratch: JSONL of a bundle to stdout. */
public final class LeadScratch {
    public static void main(String[] args) throws Exception {
        var b = BundleLoader.loadDirectory(Path.of(args[0]));
        Analyzer.analyze(b, Optional.empty(), AnalysisOptions.DEFAULT,
                t -> System.out.println(TraceJson.line(TraceJson.frame(t, false))), n -> { }, () -> false);
    }
}
