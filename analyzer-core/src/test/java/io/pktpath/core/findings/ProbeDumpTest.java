package io.pktpath.core.findings;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.Bundle;
import java.io.PrintWriter;
import java.nio.file.*;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeDumpTest {
    @Test
    void dump() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.readString(root.resolve("pom.xml")).contains("<modules>")) root = root.getParent();
        String only = System.getProperty("probe", "");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of("/tmp/probe-" + (only.isEmpty() ? "all" : only) + ".txt")))) {
            try (var ds = Files.newDirectoryStream(root.resolve("samples/bundles"))) {
                for (Path d : ds) {
                    if (!only.isEmpty() && !d.getFileName().toString().equals(only)) continue;
                    out.println("=== " + d.getFileName());
                    Bundle b = BundleLoader.loadDirectory(d);
                    out.println("kernel " + b.kernel() + " stats " + b.conntrackStats().map(s -> s.totals()) + " before " + b.conntrackStatsBefore().map(s -> s.totals()));
                    out.println("legacy " + b.rulesetV4().map(r -> r.legacyTablesPresent()));
                    AnalysisResult r = Analyzer.analyze(b, Optional.empty(), AnalysisOptions.DEFAULT, t -> {
                        out.println(t.packet().frame() + " " + t.packet().iface() + " " + t.packet().dir() + " " + t.packet().info() + " | " + t.role() + " " + t.disposition() + " : " + t.reason()
                                + " nat=" + t.nat().map(n -> n.before() + " => " + n.after()).orElse("-") + " flow=" + t.flowId() + " corr=" + t.correlated());
                        for (var a : t.alternatives()) out.println("    ALT " + a.choice() + " p=" + a.probability() + " " + a.disposition() + " " + a.nat().map(n -> n.after().toString()).orElse(""));
                        for (var n : t.notes()) out.println("    NOTE " + n);
                        if (t.disposition().isFailure()) for (var s : t.path()) out.println("    STEP " + s);
                    }, x -> { }, () -> false);
                    out.println("summary drops " + r.summary().drops());
                    for (var f : r.flows()) out.println("FLOW " + f.id() + " " + f.original() + " / " + f.reply() + " " + f.state() + " replied=" + f.replied() + " " + f.end() + " pk " + f.packetsOriginal() + "/" + f.packetsReply() + " frames " + f.frames());
                    for (var x : r.races()) out.println("RACE " + x);
                    out.println("pred " + r.predictedStats());
                    for (var a : r.assumptions()) out.println("ASSUME " + a);
                }
            }
        }
    }
}
