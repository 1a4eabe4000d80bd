package io.pktpath.core.replay;

/**
 * How a replay runs: whether to record the rules that did not match (for every frame, or for one frame only), how many
 * branches to enumerate per packet at most, how far ahead (frames and capture time) to look for a packet's egress copy,
 * whether packets of established flows may reuse the path an earlier packet of the flow took (see
 * {@link SteadyPaths}), and whether the search for an egress copy finds the frames carrying the same packet through an
 * index ({@link Lookahead}) instead of reading every frame of the window (the traces are the same either way).
 *
 * <p>Recording misses walks every rule of a chain (no index) and every packet in full (no remembered path), which on a
 * large ruleset costs ten times the replay and gigabytes of misses; the traces are otherwise the same, so a replay that
 * records them for one frame ({@code missesFrame}) gives every other frame the trace it would have without.
 */
public record ReplayOptions(boolean collectMisses, int maxBranches, int lookaheadFrames, long lookaheadNanos,
                            boolean steadyPaths, long missesFrame, boolean indexedLookahead) {
    public static final ReplayOptions DEFAULT = new ReplayOptions(false, 64, 4096, 200_000_000L, true, 0, true);

    /** The same options recording the rules that did not match for every frame, or for none. */
    public ReplayOptions withMisses(boolean misses) {
        return new ReplayOptions(misses, maxBranches, lookaheadFrames, lookaheadNanos, steadyPaths, 0, indexedLookahead);
    }

    /** The same options recording the rules that did not match for frame {@code frame} only (frames count from 1). */
    public ReplayOptions withMissesFor(long frame) {
        if (frame < 1) {
            throw new IllegalArgumentException("frame " + frame + ": frames count from 1");
        }
        return new ReplayOptions(false, maxBranches, lookaheadFrames, lookaheadNanos, steadyPaths, frame, indexedLookahead);
    }

    /** Whether the rules that did not match are recorded for frame {@code frame}. */
    public boolean missesFor(long frame) {
        return collectMisses || frame == missesFrame;
    }

    /** The same options with path reuse for established flows on or off. */
    public ReplayOptions withSteadyPaths(boolean reuse) {
        return new ReplayOptions(collectMisses, maxBranches, lookaheadFrames, lookaheadNanos, reuse, missesFrame, indexedLookahead);
    }

    /** The same options with the egress-copy search through the lookahead's index, or reading every frame of it. */
    public ReplayOptions withIndexedLookahead(boolean indexed) {
        return new ReplayOptions(collectMisses, maxBranches, lookaheadFrames, lookaheadNanos, steadyPaths, missesFrame,
                indexed);
    }
}
