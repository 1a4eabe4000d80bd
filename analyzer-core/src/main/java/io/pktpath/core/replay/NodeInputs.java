package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.conntrack.ConntrackEvent;
import io.pktpath.parser.bundle.LegacyIptables;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.nft.NftNativeReplay;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a {@link KernelNodePath} is built from: the node's network, its rulesets and conntrack timeouts, and what
 * the bundle adds beside them; {@link #of} gives the four a node cannot do without, the {@code with} methods the rest.
 *
 * @param conntrackBefore a {@code conntrack -L} taken before the capture: the connections open when it began
 * @param conntrackHints  a {@code conntrack -L} taken after the capture, used only to recover how a connection's
 *                        packets looked on the other side of this node's NAT (never to create connections)
 * @param bridges         the names of the node's bridges (interfaces other interfaces name as {@code master})
 * @param reuseSteadyPaths whether packets of established flows may reuse the path an earlier packet of the same flow
 *                        took after its conntrack lookup ({@link SteadyPaths}); the traces are identical either way
 * @param nativeChains    the native nftables chains to replay: filter chains at their priorities among iptables'
 *                        tables, nat chains with iptables' nat table
 * @param conntrackEvents the kernel's {@code conntrack -E} log taken during the capture, whose NEW events say how a
 *                        connection left where the capture shows no egress copy (never to create connections)
 * @param legacy          the iptables-legacy rules beside the main (iptables-nft) ones: at each hook their tables run
 *                        before the iptables-nft chains of the same priority
 */
public record NodeInputs(NodeNetwork net, Optional<Ruleset> rules4, Optional<Ruleset> rules6, CtTimeouts timeouts,
                         List<ConntrackEntry> conntrackBefore, List<ConntrackEntry> conntrackHints, Set<String> bridges,
                         boolean reuseSteadyPaths, NftNativeReplay nativeChains, List<ConntrackEvent> conntrackEvents,
                         LegacyIptables legacy) {
    public NodeInputs {
        conntrackBefore = List.copyOf(conntrackBefore);
        conntrackHints = List.copyOf(conntrackHints);
        bridges = Set.copyOf(bridges);
        conntrackEvents = List.copyOf(conntrackEvents);
        java.util.Objects.requireNonNull(legacy, "legacy");
    }

    /** A node of this network, rulesets and timeouts, with no conntrack dumps or events, no bridges, no native chains. */
    public static NodeInputs of(NodeNetwork net, Optional<Ruleset> rules4, Optional<Ruleset> rules6,
                                CtTimeouts timeouts) {
        return new NodeInputs(net, rules4, rules6, timeouts, List.of(), List.of(), Set.of(), true,
                NftNativeReplay.none(), List.of(), LegacyIptables.none());
    }

    /** These inputs with the connections open when the capture began. */
    public NodeInputs withConntrackBefore(List<ConntrackEntry> entries) {
        return new NodeInputs(net, rules4, rules6, timeouts, entries, conntrackHints, bridges, reuseSteadyPaths,
                nativeChains, conntrackEvents, legacy);
    }

    /** These inputs with a {@code conntrack -L} taken after the capture. */
    public NodeInputs withConntrackHints(List<ConntrackEntry> entries) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, entries, bridges, reuseSteadyPaths,
                nativeChains, conntrackEvents, legacy);
    }

    /** These inputs with the node's bridges. */
    public NodeInputs withBridges(Set<String> names) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, conntrackHints, names, reuseSteadyPaths,
                nativeChains, conntrackEvents, legacy);
    }

    /** These inputs with remembered paths allowed or not. */
    public NodeInputs withSteadyPaths(boolean reuse) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, conntrackHints, bridges, reuse,
                nativeChains, conntrackEvents, legacy);
    }

    /** These inputs with the native nftables chains to replay. */
    public NodeInputs withNativeChains(NftNativeReplay chains) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, conntrackHints, bridges, reuseSteadyPaths,
                chains, conntrackEvents, legacy);
    }

    /** These inputs with the iptables-legacy rules that run beside the main ones. */
    public NodeInputs withLegacy(LegacyIptables rules) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, conntrackHints, bridges, reuseSteadyPaths,
                nativeChains, conntrackEvents, rules);
    }

    /** These inputs with the kernel's {@code conntrack -E} log. */
    public NodeInputs withConntrackEvents(List<ConntrackEvent> events) {
        return new NodeInputs(net, rules4, rules6, timeouts, conntrackBefore, conntrackHints, bridges, reuseSteadyPaths,
                nativeChains, events, legacy);
    }
}
