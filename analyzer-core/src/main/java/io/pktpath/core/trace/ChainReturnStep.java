package io.pktpath.core.trace;

import java.util.Objects;

/** The walk fell off the end of a user chain (implicit RETURN) and went back to its caller. */
public record ChainReturnStep(Hook hook, String table, String chain) implements TraceStep {
    public ChainReturnStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
    }
}
