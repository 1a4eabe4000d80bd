package io.pktpath.core.trace;

import java.util.Objects;

/**
 * The conntrack lookup: the state the packet got, its direction (ORIGINAL or REPLY), whether the entry was created by
 * this packet, the flow's id in this replay, and a sentence of detail (for example why the packet is INVALID).
 */
public record ConntrackStep(Hook hook, CtState state, boolean reply, boolean created, long flowId, String detail)
        implements TraceStep {
    public ConntrackStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }
}
