package io.pktpath.core.trace;

import java.util.Objects;

/**
 * The conntrack lookup: the state the packet got, its direction (ORIGINAL or REPLY), whether the entry was created by
 * this packet, the flow's id in this replay, and a sentence of detail (for example why the packet is INVALID).
 */
public record ConntrackStep(Hook hook, CtState state, boolean reply, boolean created, long flowId,
                            DeferredText detailText)
        implements TraceStep {
    public ConntrackStep {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(state, "state");
        detailText = DeferredText.orEmpty(detailText);
    }

    /** A step whose detail is given written. */
    public ConntrackStep(Hook hook, CtState state, boolean reply, boolean created, long flowId, String detail) {
        this(hook, state, reply, created, flowId, DeferredText.of(detail == null ? "" : detail));
    }

    /** The sentence of detail (written when first read: a flow keeps its lookups' steps while it lives). */
    public String detail() {
        return detailText.toString();
    }
}
