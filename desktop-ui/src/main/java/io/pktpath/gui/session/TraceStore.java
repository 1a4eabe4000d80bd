package io.pktpath.gui.session;

import io.pktpath.core.analysis.FrameTraces;
import io.pktpath.core.trace.PacketTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The full traces of a replay, kept for selection: every trace while the capture is small, and past {@code fullLimit}
 * only the failed and rewritten ones, as long as the store holds fewer than {@code keptLimit} (the rest are re-derived
 * on demand by {@link Session#trace(long)}), so that a capture in which every frame is rewritten (a Kubernetes node's,
 * all DNAT) keeps a bounded number of traces, not one per frame.
 */
public final class TraceStore {
    /** Full traces kept before the store keeps only the interesting ones. */
    public static final int DEFAULT_FULL_LIMIT = 200_000;
    /** What a kept trace of a large capture holds on to, about (its summary, reason, NAT and steps not shared). */
    static final long BYTES_PER_TRACE = 512;

    private final int fullLimit;
    private final long keptLimit;
    private final List<PacketTrace> kept = new ArrayList<>();
    private long seen;

    /** A store keeping the first {@code fullLimit} traces, then interesting ones up to {@code 2 * fullLimit} in all. */
    public TraceStore(int fullLimit) {
        this(fullLimit, 2L * fullLimit);
    }

    /** A store keeping the first {@code fullLimit} traces, then interesting ones up to {@code keptLimit} in all. */
    public TraceStore(int fullLimit, long keptLimit) {
        this.fullLimit = fullLimit;
        this.keptLimit = Math.max(fullLimit, keptLimit);
    }

    /**
     * How many traces a GUI with {@code maxHeapBytes} of heap keeps at most: those that fit in a tenth of it, and never
     * fewer than {@code 2 * DEFAULT_FULL_LIMIT} (the rows of the frames and the node need the rest).
     */
    public static long keptLimitFor(long maxHeapBytes) {
        return Math.max(2L * DEFAULT_FULL_LIMIT, maxHeapBytes / 10 / BYTES_PER_TRACE);
    }

    /** Records one streamed trace (frames arrive in increasing order). */
    public void add(PacketTrace trace) {
        seen++;
        if (kept.size() < fullLimit || kept.size() < keptLimit && (trace.disposition().isFailure()
                || trace.nat().map(n -> n.changed()).orElse(false))) {
            kept.add(trace);
        }
    }

    /** The kept trace of {@code frame}, or empty when it was not kept (or no such frame). */
    public Optional<PacketTrace> get(long frame) {
        return FrameTraces.find(kept, frame);
    }

    /** How many traces were streamed in. */
    public long seen() {
        return seen;
    }

    /** How many are kept in full. */
    public int kept() {
        return kept.size();
    }
}
