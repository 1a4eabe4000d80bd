package io.pktpath.core.routing;

import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.parser.net.IpAddress;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one route lookup: its kind, the output device, the next hop (gateway, or the destination when on-link),
 * the source address the kernel picks for local traffic, the decision for the trace, every next hop of a multipath
 * route, the input-side checks in kernel order (§6.4), the ICMP error a forwarding node returns or the errno a local
 * sender sees, and notes on assumptions.
 */
public record RouteResult(RouteKind kind, Optional<String> outDev, Optional<IpAddress> nextHop,
                          Optional<IpAddress> source, RouteDecision decision, List<NextHopOption> nextHops,
                          List<CheckStep> checks, Optional<IcmpError> icmpError, Optional<String> errno,
                          List<String> notes) {
    public RouteResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outDev, "outDev");
        Objects.requireNonNull(nextHop, "nextHop");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(decision, "decision");
        nextHops = List.copyOf(nextHops);
        checks = List.copyOf(checks);
        Objects.requireNonNull(icmpError, "icmpError");
        Objects.requireNonNull(errno, "errno");
        notes = List.copyOf(notes);
    }

    /** The first check that failed, if any (the kernel stops there). */
    public Optional<CheckStep> failedCheck() {
        for (CheckStep c : checks) {
            if (!c.passed()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The MTU a packet forwarded by this result must fit, that of its first next hop (the one {@link #outDev} names):
     * 0 when unknown or when the result sends nothing out.
     */
    public int forwardMtu() {
        return nextHops.isEmpty() ? 0 : nextHops.get(0).forwardMtu();
    }

    /** Why the packet was dropped here, or empty when the lookup lets it go on. */
    public Optional<Disposition> disposition() {
        return switch (kind) {
            case BLACKHOLE -> Optional.of(Disposition.BLACKHOLE_ROUTE);
            case UNREACHABLE -> Optional.of(Disposition.UNREACHABLE_ROUTE);
            case PROHIBIT -> Optional.of(Disposition.PROHIBIT_ROUTE);
            case NO_ROUTE -> Optional.of(Disposition.NO_ROUTE);
            case CHECK_FAILED -> failedCheck().map(c -> InputChecks.dispositionOf(c.check()));
            default -> Optional.empty();
        };
    }

    /** The trace step for this lookup, e.g. {@code toStep(null, "input")} (routing happens between hooks). */
    public RouteStep toStep(Hook hook, String lookup) {
        return new RouteStep(hook, lookup, decision);
    }
}
