package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;

/** The packet entered a hook; {@code tables} are the tables that run there for this packet, in priority order. */
public record HookStep(Hook hook, List<String> tables) implements TraceStep {
    public HookStep {
        Objects.requireNonNull(hook, "hook");
        tables = List.copyOf(tables);
    }
}
