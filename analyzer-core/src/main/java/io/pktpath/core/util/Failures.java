package io.pktpath.core.util;

/**
 * The rule the threads beside the replay (reader, report) follow to hand a failure back: what one of them caught is
 * thrown again, unchanged, on the thread that waits for its results, once the results before it are handed out.
 */
public final class Failures {
    private Failures() {
    }

    /** Throws {@code failure} if it is a {@link RuntimeException} or an {@link Error}; returns for null. */
    public static void throwIfUnchecked(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
