package io.pktpath.core.routing;

import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;

import java.util.List;
import java.util.Optional;

/**
 * What the policy-rule walk found: the deciding rule, the table and route (absent for a rule action such as
 * {@code blackhole}), the effective type, or nothing at all ({@code type} empty: network unreachable), plus notes.
 */
record FibOutcome(Optional<PolicyRule> rule, String table, Optional<Route> route, Optional<RouteType> type,
                  boolean throwSeen, List<String> notes) {
    FibOutcome {
        notes = List.copyOf(notes);
    }

    static FibOutcome none(boolean throwSeen, List<String> notes) {
        return new FibOutcome(Optional.empty(), "", Optional.empty(), Optional.empty(), throwSeen, notes);
    }

    boolean found() {
        return type.isPresent();
    }

    int rulePriority() {
        // not map(PolicyRule::priority).orElse(-1): that boxes the priority (32766) for every route looked up
        return rule.isPresent() ? rule.get().priority() : -1;
    }
}
