package io.pktpath.gui.session;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.FrameTraces;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.parser.bundle.Bundle;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * One opened bundle and its replay: the frame rows for the table, the kept traces, the frames per rule, the
 * analysis result and the problems found while loading (bundle diagnostics and capture issues, one line each).
 */
public final class Session implements AutoCloseable {
    /** Frames on either side of a re-derived frame whose traces are kept with it. */
    public static final int NEARBY = 10_000;

    private final SessionSource source;
    private final OpenedBundle opened;
    private final AnalysisResult result;
    private final List<FrameRow> rows;
    private final TraceStore traces;
    private final RuleFrames ruleFrames;
    private final List<String> problems;
    private final AnalysisOptions options;
    /** The traces of the frames around the last one re-derived (null before the first). */
    private volatile FrameTraces nearby;
    private final AtomicInteger replays = new AtomicInteger();

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
     * big captures; call it off the UI thread). A re-derivation keeps the traces of the {@link #NEARBY} frames on either
     * side, so that stepping through the frames around one is instant after the first.
     */
    public Optional<PacketTrace> trace(long frame) {
        return trace(frame, n -> { }, () -> false);
    }

    /**
     * {@link #trace(long)}, telling {@code progress} how many frames the re-derivation has replayed (every 1,024) and
     * stopping it, with an empty answer, once {@code cancelled} says so (the selection moved on).
     */
    public Optional<PacketTrace> trace(long frame, LongConsumer progress, BooleanSupplier cancelled) {
        Optional<PacketTrace> kept = traces.get(frame);
        if (kept.isPresent() || frame < 1 || frame > traces.seen()) {
            return kept;
        }
        FrameTraces near = nearby;
        if (near != null && near.covers(frame)) {
            return near.trace(frame);
        }
        FrameTraces replayed = replay(Math.max(1, frame - NEARBY), frame + NEARBY, options, progress, cancelled);
        Optional<PacketTrace> found = replayed.trace(frame);
        if (found.isPresent()) {
            nearby = replayed;
        }
        return found;
    }

    /**
     * The full trace of {@code frame} with the rules that did not match: kept, when the replay recorded them for every
     * frame; otherwise re-derived by replaying the capture again up to that frame with misses recorded for it alone
     * (the other frames replay at full speed; call it off the UI thread).
     */
    public Optional<PacketTrace> traceWithMisses(long frame) {
        return traceWithMisses(frame, n -> { }, () -> false);
    }

    /** {@link #traceWithMisses(long)} with progress and cancellation as {@link #trace(long, LongConsumer, BooleanSupplier)}. */
    public Optional<PacketTrace> traceWithMisses(long frame, LongConsumer progress, BooleanSupplier cancelled) {
        if (hasMisses()) {
            return trace(frame, progress, cancelled);
        }
        if (frame < 1 || frame > traces.seen()) {
            return Optional.empty();
        }
        return replay(frame, frame, options.withMissesFor(frame), progress, cancelled).trace(frame);
    }

    /** How many times this session replayed the capture again to re-derive traces. */
    public int replays() {
        return replays.get();
    }

    private FrameTraces replay(long from, long to, AnalysisOptions with, LongConsumer progress,
                               BooleanSupplier cancelled) {
        replays.incrementAndGet();
        return Analyzer.traces(bundle(), result.capturePath(), with, from, to, progress, cancelled);
    }

    /** Deletes the directory an archive was extracted to. */
    @Override
    public void close() throws IOException {
        opened.close();
    }
}
