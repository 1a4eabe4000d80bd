package io.pktpath.gui.session;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.core.capture.CaptureIssue;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.diag.Diagnostic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Opens a bundle (directory, archive or single files) and replays its capture into a {@link Session}, reporting the
 * frames replayed so far and stopping when cancelled; it touches no JavaFX, so it runs in any thread.
 */
public final class SessionLoader {
    private final AnalysisOptions options;
    private final int fullTraceLimit;
    private final long keptTraceLimit;
    /** Whether iptables-nft's chains run before the iptables-legacy tables of the same priority ({@code --nft-first}). */
    private final boolean nftFirst;

    /** A loader keeping the first {@code fullTraceLimit} traces, then failed and NAT'd ones up to twice as many. */
    public SessionLoader(AnalysisOptions options, int fullTraceLimit) {
        this(options, fullTraceLimit, 2L * fullTraceLimit);
    }

    /** A loader keeping the first {@code fullTraceLimit} traces, then failed and NAT'd ones up to {@code keptTraceLimit}. */
    public SessionLoader(AnalysisOptions options, int fullTraceLimit, long keptTraceLimit) {
        this(options, fullTraceLimit, keptTraceLimit, false);
    }

    private SessionLoader(AnalysisOptions options, int fullTraceLimit, long keptTraceLimit, boolean nftFirst) {
        this.options = options;
        this.fullTraceLimit = fullTraceLimit;
        this.keptTraceLimit = keptTraceLimit;
        this.nftFirst = nftFirst;
    }

    /**
     * This loader replaying a bundle with both iptables backends' dumps with iptables-nft's chains first at each equal
     * priority (the GUI's {@code --nft-first}, as the CLI's); a bundle without a legacy dump gets a problem line saying
     * the option does not apply.
     */
    public SessionLoader nftFirst() {
        return new SessionLoader(options, fullTraceLimit, keptTraceLimit, true);
    }

    /**
     * The loader the GUI uses: up to {@link TraceStore#DEFAULT_FULL_LIMIT} full traces kept, then failed and NAT'd ones
     * while they fit in a tenth of the heap ({@link TraceStore#keptLimitFor}), the rules that did not
     * match left out (recording them for every frame costs a large ruleset ten times the replay and gigabytes; the GUI
     * asks {@link Session#traceWithMisses} for the one frame it shows them for).
     */
    public static SessionLoader standard() {
        return new SessionLoader(AnalysisOptions.DEFAULT, TraceStore.DEFAULT_FULL_LIMIT,
                TraceStore.keptLimitFor(Runtime.getRuntime().maxMemory()));
    }

    /**
     * Loads {@code source}; a bundle that cannot be opened at all throws with a message naming the file, everything
     * else (bad lines, bad frames) becomes a line in {@link Session#problems()}.
     */
    public Session load(SessionSource source, LongConsumer progress, BooleanSupplier cancelled)
            throws BundleOpenException {
        OpenedBundle opened = open(source);
        boolean ordered = nftFirst && !opened.bundle().legacy().isEmpty();
        if (ordered) {
            opened = new OpenedBundle(opened.bundle().withLegacy(opened.bundle().legacy().withLegacyFirst(false)),
                    opened.extractedTo());
        }
        List<FrameRow> rows = new ArrayList<>();
        TraceStore traces = new TraceStore(fullTraceLimit, keptTraceLimit);
        RuleFrames ruleFrames = new RuleFrames();
        AddressTexts addresses = new AddressTexts();
        AnalysisResult result = Analyzer.analyze(opened.bundle(), Optional.empty(), options, t -> {
            rows.add(FrameRow.of(t, addresses::text));
            traces.add(t);
            ruleFrames.add(t);
        }, progress, cancelled);
        List<String> problems = problems(result);
        if (nftFirst && !ordered) {
            problems.add("--nft-first orders iptables-nft's chains before the iptables-legacy tables, but the bundle"
                    + " holds no iptables-legacy dump beside iptables-nft's: not applied");
        }
        return new Session(source, opened, result, rows, traces, ruleFrames, problems, options);
    }

    private static OpenedBundle open(SessionSource source) throws BundleOpenException {
        BundleOpener opener = new BundleOpener();
        if (source.paths().size() == 1) {
            return opener.open(source.paths().get(0), source.netns());
        }
        return opener.openFiles(source.paths().stream().map(BundleInput::of).toList(), source.netns());
    }

    private static List<String> problems(AnalysisResult result) {
        List<String> lines = new ArrayList<>();
        for (Diagnostic d : result.bundle().diagnostics()) {
            lines.add(d.format());
        }
        result.capture().ifPresent(c -> {
            for (CaptureIssue issue : c.issues()) {
                lines.add(issue.render());
            }
        });
        if (result.capturePath().isEmpty()) {
            // an emptied capture is named as analyze's summary names it ("ignored capture.pcap: empty file")
            lines.add("no capture (.pcap or .pcapng) found among the inputs: the node is shown, there are no frames"
                    + result.bundle().inventory().emptyFiles().stream().map(l -> "; " + l)
                    .collect(java.util.stream.Collectors.joining()));
        }
        return lines;
    }
}
