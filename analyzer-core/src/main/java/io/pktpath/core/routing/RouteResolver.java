package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns packets into {@link RouteResult}s: input routing with the checks of ip_route_input_slow in kernel order, output
 * routing for local senders (iif lo, source selection, the kernel's second lookup with the chosen source), and the
 * reroute after OUTPUT that keeps the first source (netfilter-semantics §1.2, §6).
 */
final class RouteResolver {
    private static final RouteDecision NO_DECISION = new RouteDecision(-1, "", "", "", "", "", "", "");

    private final NodeFib fib;
    private final InputChecks checks;
    private final SourceSelector sources;
    private final MulticastMembership membership;
    /** Whole input results of IPv4 packets, by every field input routing reads, kept once asked a second time. */
    private final FlowAnswers<RouteResult> inputRoutesV4;
    /** The policy walk of IPv4 packets and what follows from it alone, by the fields the walk reads. */
    private final FlowAnswers<Lookup> lookupsV4;

    /** Room for results per kind at first. */
    static final int MAX_REMEMBERED = 1 << 15;
    /**
     * Room for results per kind at most (the bound only caps memory, 1 MB per kind): a table grows to it when its answers
     * keep replacing each other, as a 30,000-service node's 25,000 endpoints make 1 << 15 slots do (its first packets'
     * routes were looked up again and again: 2.14-2.23 times the 100-service node's cost with 1 << 15 slots, 1.98-2.03
     * with 1 << 16; docs/benchmarks.md, "Results (session 25)").
     */
    static final int MAX_GROWN = 1 << 17;

    /** What a received packet's route lookup leads to, by the outcome's type (the checks that follow depend on it). */
    private enum Shape {
        /** No route, or a route that rejects (blackhole, unreachable, prohibit). */
        REJECTS,
        /** A local route, or an IPv6 anycast one: delivered here. */
        LOCAL,
        /** A broadcast route: delivered here. */
        BROADCAST,
        /** A route of another type, which is not forwarded (a martian destination). */
        NOT_FORWARDABLE,
        /** A unicast route: forwarded. */
        UNICAST
    }

    /**
     * What input routing learns from the policy walk and the destination alone: the outcome, its trace decision, what it
     * leads to, and for a unicast route with a usable next hop the result of forwarding it, without checks (null
     * otherwise). The shape and the forward result are kept in place so that a forwarded packet's lookup, the common
     * one, reads this object and the result it copies and nothing of the outcome. The input device's forwarding check
     * is not part of it: policy rules rarely select the device, so most lookups are shared by every device (a pod's veth
     * each), and the check is made per device and destination on its own.
     */
    private record Lookup(FibOutcome outcome, RouteDecision decision, Shape shape, RouteResult forward) {
    }

    RouteResolver(NodeFib fib, SourceSelector sources) {
        this.fib = fib;
        this.checks = new InputChecks(fib);
        this.sources = sources;
        this.membership = new MulticastMembership(fib.interfaces(), fib.sysctls(), fib.multicastGroups());
        PolicyWalker v4 = fib.walker(IpFamily.V4);
        boolean ports = v4.selectsProtocolOrPorts();
        this.inputRoutesV4 = new FlowAnswers<>(MAX_REMEMBERED, MAX_GROWN, true, true, ports, true);
        this.lookupsV4 = new FlowAnswers<>(MAX_REMEMBERED, MAX_GROWN, v4.selectsSource(), v4.selectsInputDevice(),
                ports, false);
    }

    /** Input routing: an IPv4 packet's result is kept for its fields once asked again ({@link FlowAnswers}). */
    RouteResult input(Packet p) {
        return p.family() == IpFamily.V4 ? inputRoutesV4.get(p, this::resolveInput) : resolveInput(p);
    }

    private RouteResult resolveInput(Packet p) {
        List<CheckStep> steps = new ArrayList<>(4);
        boolean fromLoopback = fib.interfaces().isLoopback(p.inIface());
        if (!fromLoopback && !checks.beforeLookup(p, steps)) {
            return failed(NO_DECISION, steps, List.of());
        }
        IpAddress dst = p.dst();
        if (AddressClass.isLimitedBroadcast(dst) || AddressClass.isMulticast(dst)) {
            boolean bcast = AddressClass.isLimitedBroadcast(dst);
            String type = bcast ? "broadcast" : "multicast";
            RouteDecision d = new RouteDecision(-1, "", dst.toString(), type, p.inIface(), "", "", "");
            List<String> notes = List.of();
            if (!bcast && fromLoopback) {
                notes = List.of("delivered locally only if a socket joined " + dst + " on " + p.inIface()
                        + " (group membership is not in the bundle); assumed joined");
            } else if (!bcast) {
                // ip_route_input_rcu asks ip_check_mc_rcu before it validates the source; ip6_mc_input after PREROUTING.
                MulticastMembership.Membership m = membership.of(dst, p.inIface(), fib.conf(p.inIface()));
                if (m.answer() == MulticastMembership.Answer.NOT_JOINED) {
                    steps.add(InputChecks.step(InputChecks.MULTICAST_MEMBERSHIP, false, m.detail()));
                    return failed(d, steps, List.of());
                }
                notes = m.answer() == MulticastMembership.Answer.UNKNOWN ? List.of(m.detail()) : List.of();
            }
            if (!fromLoopback && !checks.validateSource(p, steps)) {
                return failed(NO_DECISION, steps, List.of());
            }
            return result(bcast ? RouteKind.BROADCAST : RouteKind.MULTICAST, Optional.empty(), Optional.empty(),
                    Optional.empty(), d, List.of(), steps, notes);
        }
        Lookup l = p.family() == IpFamily.V4 ? lookupsV4.get(p, this::lookUp) : lookUp(p);
        Shape shape = l.shape();
        if (shape == Shape.UNICAST) {
            return forwarded(p, l, steps);
        }
        FibOutcome o = l.outcome();
        RouteDecision d = l.decision();
        if (shape == Shape.REJECTS) {
            return rejected(o, d, steps, inputIcmp(p, o));
        }
        if (shape == Shape.LOCAL || shape == Shape.BROADCAST) {
            if (!fromLoopback && !checks.validateSource(p, steps)) {
                return failed(d, steps, o.notes());
            }
            RouteKind kind = shape == Shape.BROADCAST ? RouteKind.BROADCAST : RouteKind.LOCAL;
            return result(kind, Optional.empty(), Optional.empty(), Optional.empty(), d, List.of(), steps, o.notes());
        }
        CheckStep forwarding = checks.forwardingStep(p);
        steps.add(forwarding);
        if (!forwarding.passed()) {
            return failed(d, steps, o.notes());
        }
        steps.add(InputChecks.step(InputChecks.MARTIAN_DESTINATION, false, "route to " + p.dst() + " is "
                + o.type().get().keyword() + " (table " + o.table() + ": " + o.route().orElseThrow().text()
                + "), not forwardable"));
        return failed(d, steps, o.notes());
    }

    /** A received packet whose lookup {@code l} found a unicast route: the forwarding flag, then the source checks. */
    private RouteResult forwarded(Packet p, Lookup l, List<CheckStep> steps) {
        CheckStep forwarding = checks.forwardingStep(p);
        steps.add(forwarding);
        if (!forwarding.passed()) {
            return failed(l.decision(), steps, l.outcome().notes());
        }
        if (!checks.validateSource(p, steps)) {
            return failed(l.decision(), steps, l.outcome().notes());
        }
        RouteResult r = l.forward();
        if (r == null) {
            FibOutcome o = l.outcome();
            return leaving(RouteKind.FORWARD, o.route().orElseThrow(), o, l.decision(), p.dst(), Optional.empty(), steps);
        }
        return new RouteResult(r.kind(), r.outDev(), r.nextHop(), r.source(), r.decision(), r.nextHops(), steps,
                r.icmpError(), r.errno(), r.notes());
    }

    /** The policy walk for a received packet, its decision, and the forwarding result when the route is unicast. */
    private Lookup lookUp(Packet p) {
        FlowKey k = new FlowKey(p.family(), p.src(), p.dst(), p.inIface(), p.mark(), p.proto(), p.sport(), p.dport(),
                p.hasPorts(), true);
        FibOutcome o = fib.walker(p.family()).walk(k);
        RouteDecision d = decision(o, "");
        if (!o.found() || o.type().get().rejects()) {
            return new Lookup(o, d, Shape.REJECTS, null);
        }
        RouteType t = o.type().get();
        if (t == RouteType.LOCAL || t == RouteType.ANYCAST && p.family() == IpFamily.V6) {
            return new Lookup(o, d, Shape.LOCAL, null);
        }
        if (t == RouteType.BROADCAST) {
            return new Lookup(o, d, Shape.BROADCAST, null);
        }
        if (t != RouteType.UNICAST) {
            return new Lookup(o, d, Shape.NOT_FORWARDABLE, null);
        }
        if (fib.nextHops(o.route().orElseThrow()).isEmpty()) {
            return new Lookup(o, d, Shape.UNICAST, null);
        }
        return new Lookup(o, d, Shape.UNICAST, leaving(RouteKind.FORWARD, o.route().get(), o, d, p.dst(),
                Optional.empty(), List.of()));
    }

    RouteResult output(Packet p) {
        FlowKey first = new FlowKey(p.family(), AddressClass.unspecified(p.family()), p.dst(), FlowKey.LOOPBACK_DEV,
                p.mark(), p.proto(), p.sport(), p.dport(), p.hasPorts(), false);
        FibOutcome o0 = fib.walker(p.family()).walk(first);
        Optional<IpAddress> chosen = o0.found() && !o0.type().get().rejects()
                ? sources.forLocalTraffic(o0.route().orElseThrow(), firstDev(o0), nextHopOf(o0, p.dst()), p.dst())
                : Optional.empty();
        IpAddress lookupSource = AddressClass.isUnspecified(p.src()) ? chosen.orElse(p.src()) : p.src();
        FibOutcome o = AddressClass.isUnspecified(lookupSource) ? o0 : fib.walker(p.family()).walk(first.withSrc(lookupSource));
        List<String> notes = new ArrayList<>(o.notes());
        if (o != o0 && (o.rulePriority() != o0.rulePriority() || !o.table().equals(o0.table()))) {
            notes.add("looked up with source " + lookupSource + " (connect(), or a bound socket) via ip rule "
                    + o.rulePriority() + "; a socket sending unconnected with no bound address would use ip rule "
                    + o0.rulePriority() + (o0.table().isEmpty() ? "" : " (table " + o0.table() + ")"));
        }
        if (chosen.isPresent() && !AddressClass.isUnspecified(p.src()) && !chosen.get().equals(p.src())) {
            notes.add("the packet's source " + p.src() + " is not the address the kernel picks for an unbound socket ("
                    + chosen.get() + ")" + (fib.isLocal(p.src()) ? ": the socket was bound to it" : " and is not local"));
        }
        return sent(p, o, chosen, notes);
    }

    RouteResult reroute(Packet p, RouteResult first) {
        IpAddress src = first.source().orElse(p.src());
        FlowKey k = new FlowKey(p.family(), src, p.dst(), FlowKey.LOOPBACK_DEV, p.mark(), p.proto(), p.sport(),
                p.dport(), p.hasPorts(), false);
        FibOutcome o = fib.walker(p.family()).walk(k);
        List<String> notes = new ArrayList<>(o.notes());
        notes.add("reroute after OUTPUT keeps the source " + src + " chosen by the first lookup");
        return sent(p, o, first.source(), notes);
    }

    private RouteResult sent(Packet p, FibOutcome o, Optional<IpAddress> source, List<String> notes) {
        RouteDecision d = decision(o, source.map(IpAddress::toString).orElse(""));
        if (!o.found() || o.type().get().rejects()) {
            RouteResult r = rejected(o, d, List.of(), Optional.empty());
            return new RouteResult(r.kind(), r.outDev(), r.nextHop(), source, d, List.of(), List.of(),
                    Optional.empty(), Optional.of(errno(r.kind())), concat(r.notes(), notes));
        }
        Route route = o.route().orElseThrow();
        RouteType t = o.type().get();
        if (t == RouteType.LOCAL) {
            return result(RouteKind.LOCAL, Optional.of(FlowKey.LOOPBACK_DEV), Optional.of(p.dst()), source, d,
                    List.of(), List.of(), notes);
        }
        RouteKind kind = AddressClass.isLimitedBroadcast(p.dst()) || t == RouteType.BROADCAST ? RouteKind.BROADCAST
                : AddressClass.isMulticast(p.dst()) || t == RouteType.MULTICAST ? RouteKind.MULTICAST : RouteKind.SEND;
        RouteResult r = leaving(kind, route, o, d, p.dst(), source, List.of());
        return new RouteResult(r.kind(), r.outDev(), r.nextHop(), source, d, r.nextHops(), List.of(), Optional.empty(),
                Optional.empty(), concat(r.notes(), notes));
    }

    private RouteResult leaving(RouteKind kind, Route route, FibOutcome o, RouteDecision d, IpAddress dst,
                                Optional<IpAddress> source, List<CheckStep> steps) {
        List<NextHopOption> hops = fib.nextHops(route);
        NextHopOption hop = hops.get(0);
        List<String> notes = new ArrayList<>(o.notes());
        if (hops.size() > 1 || !route.nexthops().isEmpty()) {
            notes.add("multipath: kernel hashes the flow over " + hops.size() + " next hops ("
                    + String.join("; ", hops.stream().map(NextHopOption::toString).toList()) + "); the first is shown");
        }
        if (fib.linkdown(route)) {
            notes.add("route is linkdown (no carrier on " + hop.dev() + "): the device drops what it cannot send");
        }
        return result(kind, Optional.of(hop.dev()), Optional.of(hop.via().orElse(dst)), source, d, hops, steps, notes);
    }

    private RouteResult rejected(FibOutcome o, RouteDecision d, List<CheckStep> steps, Optional<IcmpError> icmp) {
        RouteKind kind = o.type().map(RouteResolver::rejectKind).orElse(RouteKind.NO_ROUTE);
        List<String> notes = new ArrayList<>(o.notes());
        if (kind == RouteKind.NO_ROUTE) {
            notes.add(o.throwSeen() ? "every rule was tried after a throw route: network unreachable"
                    : "no rule's table has a route to the destination: network unreachable");
        }
        return new RouteResult(kind, Optional.empty(), Optional.empty(), Optional.empty(), d, List.of(), steps, icmp,
                Optional.empty(), notes);
    }

    private Optional<IcmpError> inputIcmp(Packet p, FibOutcome o) {
        RouteKind kind = o.type().map(RouteResolver::rejectKind).orElse(RouteKind.NO_ROUTE);
        InterfaceConf c = fib.conf(p.inIface());
        boolean forwarding = p.family() == IpFamily.V4 ? c.forwardingV4() : c.forwardingV6();
        if (!forwarding || kind == RouteKind.BLACKHOLE) {
            return Optional.empty();
        }
        boolean v4 = p.family() == IpFamily.V4;
        return Optional.of(switch (kind) {
            case UNREACHABLE -> v4 ? new IcmpError(3, 1, "host unreachable") : new IcmpError(1, 0, "no route to destination");
            case PROHIBIT -> v4 ? new IcmpError(3, 13, "communication administratively prohibited")
                    : new IcmpError(1, 1, "communication with destination administratively prohibited");
            default -> v4 ? new IcmpError(3, 0, "net unreachable") : new IcmpError(1, 0, "no route to destination");
        });
    }

    private static RouteKind rejectKind(RouteType t) {
        return switch (t) {
            case BLACKHOLE -> RouteKind.BLACKHOLE;
            case UNREACHABLE -> RouteKind.UNREACHABLE;
            case PROHIBIT -> RouteKind.PROHIBIT;
            default -> RouteKind.NO_ROUTE;
        };
    }

    private static String errno(RouteKind kind) {
        return switch (kind) {
            case BLACKHOLE -> "EINVAL";
            case UNREACHABLE -> "EHOSTUNREACH";
            case PROHIBIT -> "EACCES";
            default -> "ENETUNREACH";
        };
    }

    private String firstDev(FibOutcome o) {
        List<NextHopOption> hops = fib.nextHops(o.route().orElseThrow());
        return hops.isEmpty() ? "" : hops.get(0).dev();
    }

    private IpAddress nextHopOf(FibOutcome o, IpAddress dst) {
        List<NextHopOption> hops = fib.nextHops(o.route().orElseThrow());
        return hops.isEmpty() ? dst : hops.get(0).via().orElse(dst);
    }

    private RouteDecision decision(FibOutcome o, String src) {
        if (o.route().isEmpty()) {
            String type = o.type().map(RouteType::keyword).orElse("");
            return new RouteDecision(o.rulePriority(), o.table(), "", type, "", "", src,
                    o.rule().map(r -> r.text()).orElse(""));
        }
        return fib.decision(o.route().get(), o.rulePriority(), o.table(), src);
    }

    private static RouteResult failed(RouteDecision d, List<CheckStep> steps, List<String> notes) {
        return new RouteResult(RouteKind.CHECK_FAILED, Optional.empty(), Optional.empty(), Optional.empty(), d,
                List.of(), steps, Optional.empty(), Optional.empty(), notes);
    }

    private static RouteResult result(RouteKind kind, Optional<String> dev, Optional<IpAddress> nextHop,
                                      Optional<IpAddress> source, RouteDecision d, List<NextHopOption> hops,
                                      List<CheckStep> steps, List<String> notes) {
        return new RouteResult(kind, dev, nextHop, source, d, hops, steps, Optional.empty(), Optional.empty(), notes);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<String> out = new ArrayList<>(a);
        b.stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }
}
