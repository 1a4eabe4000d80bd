package io.pktpath.gui.session;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.parser.bundle.Bundle;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One opened bundle and its replay: the frame rows for the table, the kept traces, the frames per rule, the
 * analysis result and the problems found while loading (bundle diagnostics and capture issues, one line each).
 */
public final class Session implements AutoCloseable {
    private final SessionSource source;
    private final OpenedBundle opened;
    private final AnalysisResult result;
    private final List<FrameRow> rows;
    private final TraceStore traces;
    private final RuleFrames ruleFrames;
    private final List<String> problems;
    private final AnalysisOptions options;

    Session(SessionSource source, OpenedBundle opened, AnalysisResult result, List<FrameRow> rows, TraceStore traces,
            RuleFrames ruleFrames, List<String> problems, AnalysisOptions options) {
        this.source = Objects.requireNonNull(source, "source");
        this.opened = Objects.requireNonNull(opened, "opened");
        this.result = Objects.requireNonNull(result, "result");
        this.rows = List.copyOf(rows);
        this.traces = Objects.requireNonNull(traces, "traces");
        this.ruleFrames = Objects.requireNonNull(ruleFrames, "ruleFrames");
        this.problems = List.copyOf(problems);
        this.options = Objects.requireNonNull(options, "options");
    }

    public SessionSource source() {
        return source;
    }

    public Bundle bundle() {
        return opened.bundle();
    }

    public AnalysisResult result() {
        return result;
    }

    /** One row per replayed frame, in frame order. */
    public List<FrameRow> rows() {
        return rows;
    }

    public RuleFrames ruleFrames() {
        return ruleFrames;
    }

    /** Problems met while loading, one formatted line (or block) each: what was wrong with which file. */
    public List<String> problems() {
        return problems;
    }

    /** Whether the replay recorded the rules that did not match for every frame (the kept traces hold them). */
    public boolean hasMisses() {
        return options.replay().collectMisses();
    }

    /** The trace of {@code frame} if the store kept it (instant; no replay). */
    public Optional<PacketTrace> keptTrace(long frame) {
        return traces.get(frame);
    }

    /**
     * The full trace of {@code frame}: kept, or re-derived by replaying the capture again up to that frame (slow on
     * big captures; call it off the UI thread).
     */
    public Optional<PacketTrace> trace(long frame) {
        Optional<PacketTrace> kept = traces.get(frame);
        if (kept.isPresent() || frame < 1 || frame > traces.seen()) {
            return kept;
        }
        return replayTo(frame, options);
    }

    /**
     * The full trace of {@code frame} with the rules that did not match: kept, when the replay recorded them for every
     * frame; otherwise re-derived by replaying the capture again up to that frame with misses recorded for it alone
     * (the other frames replay at full speed; call it off the UI thread).
     */
    public Optional<PacketTrace> traceWithMisses(long frame) {
        if (hasMisses()) {
            return trace(frame);
        }
        if (frame < 1 || frame > traces.seen()) {
            return Optional.empty();
        }
        return replayTo(frame, options.withMissesFor(frame));
    }

    /** The trace of {@code frame} from a replay of the capture with {@code with}, stopped once it is made. */
    private Optional<PacketTrace> replayTo(long frame, AnalysisOptions with) {
        PacketTrace[] found = new PacketTrace[1];
        Analyzer.analyze(bundle(), result.capturePath(), with, t -> {
            if (t.packet().frame() == frame) {
                found[0] = t;
            }
        }, n -> { }, () -> found[0] != null);
        return Optional.ofNullable(found[0]);
    }

    /** Deletes the directory an archive was extracted to. */
    @Override
    public void close() throws IOException {
        opened.close();
    }
}
