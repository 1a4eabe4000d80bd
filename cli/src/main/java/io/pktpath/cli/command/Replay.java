package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Context;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.FrameTraces;
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

    /**
     * The traces of frames {@code from..to} of a loaded input ({@link Analyzer#traces}), with a progress bar on stderr
     * towards {@code to} when it is a terminal.
     */
    static FrameTraces traces(LoadedInput in, AnalysisOptions options, long from, long to, Context ctx) {
        if (!ctx.terminal().progressErr()) {
            return Analyzer.traces(in.bundle(), in.capture(), options, from, to, n -> { }, () -> false);
        }
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("replaying to frame " + to).setInitialMax(to)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).continuousUpdate().build()) {
            LongConsumer progress = n -> bar.stepTo(Math.min(n, to));
            return Analyzer.traces(in.bundle(), in.capture(), options, from, to, progress, () -> false);
        }
    }

    /** An input error when the capture could not be read at all (no frame delivered and an error reported). */
    static void requireReadableCapture(AnalysisResult r) throws CliException {
        requireReadableCapture(r.capture());
    }

    /** {@link #requireReadableCapture(AnalysisResult)} for the reading summary of a capture, if any. */
    static void requireReadableCapture(java.util.Optional<CaptureSummary> capture) throws CliException {
        if (capture.isEmpty()) {
            return;
        }
        CaptureSummary c = capture.get();
        if (c.framesDelivered() == 0 && c.hasErrors()) {
            throw CliException.input(c.issues().stream().filter(i -> i.severity().name().equals("ERROR"))
                    .map(CaptureIssue::render).collect(Collectors.joining("; ")));
        }
    }
}
