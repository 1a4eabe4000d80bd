package io.pktpath.core.replay;

/**
 * How a replay runs: whether to record the rules that did not match, how many branches to enumerate per packet at most,
 * and how far ahead (frames and capture time) to look for a packet's egress copy.
 */
public record ReplayOptions(boolean collectMisses, int maxBranches, int lookaheadFrames, long lookaheadNanos) {
    public static final ReplayOptions DEFAULT = new ReplayOptions(false, 64, 4096, 200_000_000L);

    public ReplayOptions withMisses(boolean misses) {
        return new ReplayOptions(misses, maxBranches, lookaheadFrames, lookaheadNanos);
    }
}
