package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Context;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.capture.CaptureIssue;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.replay.TraceSink;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Runs the analysis of a loaded input, with a progress bar on stderr when it is a terminal. */
final class Replay {
    private Replay() {
    }

    static AnalysisResult run(LoadedInput in, AnalysisOptions options, TraceSink sink, Context ctx) {
        if (!ctx.terminal().progressErr()) {
            return Analyzer.analyze(in.bundle(), in.capture(), options, sink, n -> { }, () -> false);
        }
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("replaying").setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).continuousUpdate().build()) {
            LongConsumer progress = bar::stepTo;
            return Analyzer.analyze(in.bundle(), in.capture(), options, sink, progress, () -> false);
        }
    }

    /** An input error when the capture could not be read at all (no frame delivered and an error reported). */
    static void requireReadableCapture(AnalysisResult r) throws CliException {
        if (r.capture().isEmpty()) {
            return;
        }
        CaptureSummary c = r.capture().get();
        if (c.framesDelivered() == 0 && c.hasErrors()) {
            throw CliException.input(c.issues().stream().filter(i -> i.severity().name().equals("ERROR"))
                    .map(CaptureIssue::render).collect(Collectors.joining("; ")));
        }
    }
}
