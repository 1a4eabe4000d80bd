package io.pktpath.core.trace;

import java.util.Objects;

/** A route lookup (input routing, output routing or a reroute after OUTPUT) and its decision. */
public record RouteStep(Hook hook, String lookup, RouteDecision decision) implements TraceStep {
    public RouteStep {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(decision, "decision");
    }
}
