package io.pktpath.core.replay;

import io.pktpath.core.conntrack.ConntrackTable;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a packet the capture shows leaving the node came from: the tuple it arrived with (from its connection, the
 * bundle's {@code conntrack -L}, or the DNAT rules that could have given it its destination) and the device it arrived
 * on (the route back to its source), for the replay to find its arrival in the capture or to rebuild one.
 */
final class Arrivals {
    private final NodeNetwork net;
    private final ConntrackTable conntrack;
    private final boolean conntrackOn;
    private final ConntrackHints hints;
    private final OwedAnswers owedAnswers;
    private final RuleState ruleState;
    private final CompiledRuleset v4;
    private final CompiledRuleset v6;
    /** The iptables-legacy rulesets beside the main ones (null when none): their DNAT rules give destinations too. */
    private final CompiledRuleset legacy4;
    private final CompiledRuleset legacy6;
    /** Whether the legacy nat table maps before iptables-nft's (the replay order, {@code LegacyIptables#legacyFirst}). */
    private final boolean legacyFirst;
    /** The device of the route to an address (the node is a snapshot: the same address, the same answer). */
    private final java.util.Map<io.pktpath.parser.net.IpAddress, String> routeDevices = new java.util.HashMap<>();
    private static final int ROUTE_DEVICES = 1 << 14;

    Arrivals(NodeNetwork net, ConntrackTable conntrack, boolean conntrackOn, ConntrackHints hints,
             OwedAnswers owedAnswers, RuleState ruleState, CompiledRuleset v4, CompiledRuleset v6,
             CompiledRuleset legacy4, CompiledRuleset legacy6, boolean legacyFirst) {
        this.net = net;
        this.conntrack = conntrack;
        this.conntrackOn = conntrackOn;
        this.hints = hints;
        this.owedAnswers = owedAnswers;
        this.ruleState = ruleState;
        this.v4 = v4;
        this.v6 = v6;
        this.legacy4 = legacy4;
        this.legacy6 = legacy6;
        this.legacyFirst = legacyFirst;
    }

    /** As {@link NodePath#arrivalsOf} asks. */
    List<Arrival> arrivalsOf(Packet leaving) {
        Tuple tuple = leaving.tuple();
        if (tracked(leaving)) {
            Optional<KnownArrival> known = knownArrival(leaving);
            if (known.isPresent()) {
                // a node address is no arrival: the node sent the packet (sentByNode)
                return net.isLocal(known.get().tuple().src()) ? List.of()
                        : arrivingOn(leaving, known.get().tuple(), known.get().basis(), 1).stream().toList();
            }
            List<CompiledRuleset.DnatOrigin> origins = leaving.hasPorts() ? dnatOrigins(leaving) : List.of();
            if (!origins.isEmpty()) {
                List<Arrival> out = new ArrayList<>(origins.size());
                for (CompiledRuleset.DnatOrigin o : origins) {
                    arrivingOn(leaving, new Tuple(leaving.proto(), leaving.src(), leaving.sport(),
                            o.dst(), o.dport()), Arrival.Basis.DNAT_RULE, origins.size()).ifPresent(out::add);
                }
                return out;
            }
        }
        if (mayBeDnatTarget(leaving)) {
            // a DNAT rule may have given it its destination, from one the rules do not name (docker's published
            // ports: any local address): neither unchanged nor from an origin that is known
            return List.of();
        }
        return arrivingOn(leaving, tuple, Arrival.Basis.UNCHANGED, 1).stream().toList();
    }

    /** As {@link NodePath#errorArrivalOf} asks. */
    Optional<Arrival> errorArrivalOf(Packet leaving) {
        if (!conntrackOn || !leaving.isIcmpError() || owedAnswers.carriedBy(leaving).isPresent()) {
            return Optional.empty();
        }
        return conntrack.errorArrivalOf(leaving, 0, leaving.timeNanos())
                .filter(a -> !net.isLocal(a.outer().src()))
                .flatMap(a -> arrivingOn(leaving.withQuoted(Optional.of(a.quoted())), a.outer(),
                        Arrival.Basis.QUOTED_CONNECTION, 1));
    }

    /** As {@link NodePath#sentByNode} asks. */
    boolean sentByNode(Packet leaving) {
        return tracked(leaving) && conntrack.arrivalOf(leaving, 0, leaving.timeNanos())
                .filter(t -> net.isLocal(t.src())).isPresent();
    }

    /** As {@link NodePath#sentByTproxiedSocket} asks. */
    boolean sentByTproxiedSocket(Packet leaving) {
        return tracked(leaving) && conntrack.originalOf(leaving, 0, leaving.timeNanos())
                .filter(o -> ruleState.tproxied(0, o)).isPresent();
    }

    /** As {@link NodePath#forwardedArrivalOf} asks. */
    Optional<Arrival> forwardedArrivalOf(Packet leaving) {
        if (!tracked(leaving)) {
            return Optional.empty();
        }
        return knownArrival(leaving).filter(k -> !net.isLocal(k.tuple().src()))
                .flatMap(k -> arrivingOn(leaving, k.tuple(), k.basis(), 1));
    }

    /** The tuple a packet seen leaving arrived with, and what told it. */
    private record KnownArrival(Tuple tuple, Arrival.Basis basis) {
    }

    /**
     * The tuple {@code leaving} arrived with, when its connection tells it: the one conntrack holds, else the one the
     * bundle's {@code conntrack -L} holds.
     */
    private Optional<KnownArrival> knownArrival(Packet leaving) {
        Optional<Tuple> held = conntrack.arrivalOf(leaving, 0, leaving.timeNanos());
        if (held.isPresent()) {
            return Optional.of(new KnownArrival(held.get(), Arrival.Basis.CONNECTION));
        }
        return hints.socketTuple(leaving.tuple()).map(t -> new KnownArrival(t, Arrival.Basis.CONNTRACK_DUMP));
    }

    /** As {@link NodePath#openedBeforeCapture} asks. */
    Optional<String> openedBeforeCapture(Packet received) {
        if (!conntrackOn || !received.hasPorts() || received.isIcmp()) {
            return Optional.empty();
        }
        Tuple t = received.tuple();
        Optional<io.pktpath.parser.conntrack.ConntrackEntry> entry = hints.withReply(t);
        boolean reply = entry.isPresent();
        if (!reply && received.isTcp() && !received.hasFlag(Packet.SYN)) {
            entry = hints.withOriginal(t);
        }
        if (entry.isEmpty() || conntrack.lookup(received, 0, received.timeNanos()) instanceof CtLookup.Existing
                || !conntrack.seedOpen(entry.get(), received.timeNanos())) {
            return Optional.empty();
        }
        return Optional.of(OPENED_BEFORE + (reply ? "its reply" : "a packet of it without SYN") + ") and the bundle's"
                + " conntrack -L holds it: taken as open, with the NAT the dump shows, from before the capture began");
    }

    /** How the note of a packet whose connection was open before the capture begins. */
    static final String OPENED_BEFORE = "its connection was open before the capture (the capture shows ";

    /** Whether conntrack may hold the connection of {@code leaving}: one with ports, or an ICMP query (echo). */
    private boolean tracked(Packet leaving) {
        return conntrackOn && (leaving.hasPorts() || leaving.isIcmp() && !leaving.isIcmpError());
    }

    /**
     * {@code leaving} as it arrived with {@code tuple}, on the device of the route back to its source; empty when there is
     * none or it is the device the packet left by (it would have been captured arriving).
     */
    private Optional<Arrival> arrivingOn(Packet leaving, Tuple tuple, Arrival.Basis basis,
                                         int candidates) {
        String dev = deviceTowards(leaving.withTuple(tuple.inverse()));
        if (dev.isEmpty() || dev.equals(leaving.outIface())) {
            return Optional.empty();
        }
        return Optional.of(new Arrival(leaving.receivedAs(tuple, dev), basis, candidates));
    }

    /** The device of the route to {@code packet}'s destination, "" when there is none (remembered per address). */
    private String deviceTowards(Packet packet) {
        String dev = routeDevices.get(packet.dst());
        if (dev == null) {
            dev = net.outputRoute(packet).outDev().orElse("");
            if (routeDevices.size() >= ROUTE_DEVICES) {
                routeDevices.clear();
            }
            routeDevices.put(packet.dst(), dev);
        }
        return dev;
    }

    /** As {@link NodePath#deviceOf} asks. */
    Optional<String> deviceOf(Packet captured, boolean inbound) {
        String dev = deviceTowards(inbound ? captured.withTuple(io.pktpath.core.conntrack.Tuples.invert(captured.tuple()))
                : captured);
        return dev.isEmpty() ? Optional.empty() : Optional.of(dev);
    }

    /** Whether some DNAT rule of the nat table may rewrite a destination to {@code leaving}'s. */
    private boolean mayBeDnatTarget(Packet leaving) {
        int port = leaving.hasPorts() ? leaving.dport() : -1;
        CompiledRuleset rules = rules(leaving.family());
        CompiledRuleset legacy = leaving.family() == IpFamily.V4 ? legacy4 : legacy6;
        return rules != null && rules.mayDnatTo(leaving.proto(), leaving.dst(), port)
                || legacy != null && legacy.mayDnatTo(leaving.proto(), leaving.dst(), port);
    }

    /**
     * The destinations a packet seen leaving, of a connection conntrack does not hold, may have had when it arrived, if
     * a DNAT rule gave it its destination: the ones the rules give before it, in rule order
     * ({@link CompiledRuleset#dnatOriginsOf}); empty when none does. With iptables-legacy rules beside the main ones,
     * the origins of the nat table that runs first in the replay come first (the legacy one unless {@code --nft-first}),
     * as the kernel's nat core takes the first mapping a connection's first packet meets.
     */
    private List<CompiledRuleset.DnatOrigin> dnatOrigins(Packet leaving) {
        CompiledRuleset rules = rules(leaving.family());
        CompiledRuleset legacy = leaving.family() == IpFamily.V4 ? legacy4 : legacy6;
        List<CompiledRuleset.DnatOrigin> main = originsOf(rules, leaving);
        if (legacy == null) {
            return main;
        }
        List<CompiledRuleset.DnatOrigin> all = new ArrayList<>(legacyFirst ? originsOf(legacy, leaving) : main);
        for (CompiledRuleset.DnatOrigin o : legacyFirst ? main : originsOf(legacy, leaving)) {
            if (!all.contains(o)) {
                all.add(o);
            }
        }
        return all;
    }

    private static List<CompiledRuleset.DnatOrigin> originsOf(CompiledRuleset rules, Packet leaving) {
        return rules == null ? List.of() : rules.dnatOriginsOf(leaving.proto(), leaving.dst(), leaving.dport());
    }

    private CompiledRuleset rules(IpFamily family) {
        return family == IpFamily.V4 ? v4 : v6;
    }
}
