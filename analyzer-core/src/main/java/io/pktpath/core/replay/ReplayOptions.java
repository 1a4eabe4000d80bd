package io.pktpath.core.replay;

/**
 * How a replay runs: whether to record the rules that did not match, how many branches to enumerate per packet at most,
 * how far ahead (frames and capture time) to look for a packet's egress copy, and whether packets of established flows
 * may reuse the path an earlier packet of the flow took (see {@link SteadyPaths}; the traces are the same either way).
 */
public record ReplayOptions(boolean collectMisses, int maxBranches, int lookaheadFrames, long lookaheadNanos,
                            boolean steadyPaths) {
    public static final ReplayOptions DEFAULT = new ReplayOptions(false, 64, 4096, 200_000_000L, true);

    public ReplayOptions withMisses(boolean misses) {
        return new ReplayOptions(misses, maxBranches, lookaheadFrames, lookaheadNanos, steadyPaths);
    }

    /** The same options with path reuse for established flows on or off. */
    public ReplayOptions withSteadyPaths(boolean reuse) {
        return new ReplayOptions(collectMisses, maxBranches, lookaheadFrames, lookaheadNanos, reuse);
    }
}
