package io.pktpath.samples;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.report.TraceJson;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.nio.file.Path;
import java.util.Optional;

/** Scratch: prints the JSONL of a bundle. */
public final class SmokeMain {
    public static void main(String[] args) throws Exception {
        Bundle b = BundleLoader.loadDirectory(Path.of(args[0]));
        b.diagnostics().forEach(d -> System.err.println(d.headline()));
        AnalysisResult r = Analyzer.analyze(b, Optional.empty(), AnalysisOptions.DEFAULT,
                t -> System.out.println(TraceJson.line(TraceJson.frame(t, false))), n -> { }, () -> false);
        System.err.println(r.summary());
        r.assumptions().forEach(a -> System.err.println("assume: " + a));
    }
}
