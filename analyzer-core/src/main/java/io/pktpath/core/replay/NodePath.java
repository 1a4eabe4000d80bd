package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.Optional;

/**
 * The node as the replay loop sees it: it runs a packet through the hooks in kernel order without side effects, and
 * commits the run that happened (conntrack, rule counters, stateful matches).
 */
public interface NodePath {
    /** A packet received on {@code packet.inIface()}, from PREROUTING. */
    PathRun ingress(Packet packet, ChoiceOracle oracle, boolean collectMisses);

    /**
     * Whether a received {@code packet} (its input device and family) walks native ingress chains: a fragment nf_defrag
     * will hold then walks them alone first ({@link #fragmentIngress}).
     */
    /**
     * That a frame from {@code address} was received on {@code port} of {@code bridge}: the bridge's forwarding database
     * sends frames to that address out of that port (a packet routed or sent out of the bridge whose copy on a port the
     * capture lacks takes it); nothing by default.
     */
    default void learnPort(String bridge, io.pktpath.parser.net.IpAddress address, String port) {
    }

    default boolean walksIngress(Packet packet) {
        return false;
    }

    /**
     * A received fragment nf_defrag will hold, through the ingress chains only (they run before defragmentation, so each
     * fragment walks them as it is: a non-first fragment has no transport header to match): dropped by a rule there, or
     * {@code HELD_FOR_REASSEMBLY} when they let it through.
     */
    default PathRun fragmentIngress(Packet fragment, ChoiceOracle oracle, boolean collectMisses) {
        throw new UnsupportedOperationException("no ingress chains");
    }

    /**
     * The datagram {@code whole} that the received fragment {@code fragment} completed: the fragment walks the ingress
     * chains (as {@link #fragmentIngress}), then the whole datagram goes on from PREROUTING as {@link #ingress}.
     */
    default PathRun reassembledIngress(Packet whole, Packet fragment, ChoiceOracle oracle, boolean collectMisses) {
        return ingress(whole, oracle, collectMisses);
    }

    /**
     * A packet the node sent to itself over lo, received after {@code sent} (its run through OUTPUT and POSTROUTING):
     * it keeps the conntrack state it was sent with, so one untracked when sent is untracked when received.
     */
    default PathRun looped(Packet packet, PathRun sent, ChoiceOracle oracle, boolean collectMisses) {
        return ingress(packet, oracle, collectMisses);
    }

    /**
     * The run of a received packet of an established flow whose path is already known from an earlier packet of the
     * same flow, made without walking (the same run {@link #ingress} would give); null when it must walk (asked for
     * every received frame, so no {@code Optional} is made for each).
     */
    default PathRun knownIngress(Packet packet, boolean collectMisses) {
        return null;
    }

    /**
     * Reads, changing nothing, the state the replay of the first {@code count} received packets of {@code received}
     * will read first (their conntrack entries and what is remembered of their flows), each step for all of them before
     * the next, so that their memory loads overlap instead of each packet stalling in turn; returns a value made from
     * what it read (0 when nothing).
     */
    default long warm(Packet[] received, int count) {
        return 0;
    }

    /**
     * True if conntrack is on and holds no connection that takes {@code packet} (received, as captured): none, so the
     * replay would take it as a connection's first packet, or one whose state makes it INVALID. Changes nothing.
     */
    default boolean lacksConnection(Packet packet) {
        return false;
    }

    /**
     * The packets that may have arrived, for a forwarded packet seen only leaving, on the device of the route back to
     * its source: the one the connection conntrack holds for it gives (its original tuple, or its reply tuple before
     * the NAT was undone), else the one the bundle's {@code conntrack -L} gives, else one per destination a DNAT rule
     * may have rewritten to its own (in the rules' order), else itself unchanged when no DNAT rule may have. Empty when
     * the route back is the device it left by (it would have been captured arriving), there is none, or nothing tells.
     * The guesses (a DNAT rule's origin, unchanged) stand only if their replay leaves as the frame. Changes nothing.
     */
    default java.util.List<Arrival> arrivalsOf(Packet leaving) {
        return java.util.List.of();
    }

    /**
     * The ICMP error that arrived, for an ICMP error seen only leaving that the node does not owe (it owes errors only
     * for packets it dropped) and whose quoted header names a packet of a connection conntrack holds: the error with
     * that connection's NAT undone ({@link io.pktpath.core.conntrack.ConntrackTable#errorArrivalOf}), from an address
     * that is not the node's, on the device of the route back to it. Empty otherwise, and when that device is the one
     * it left by. Its sender stands only if its replay leaves as the frame. Changes nothing.
     */
    default Optional<Arrival> errorArrivalOf(Packet leaving) {
        return Optional.empty();
    }

    /**
     * True when conntrack holds {@code leaving}'s connection and the sender of its direction is a node address: the node
     * sent it, though NAT undone on the way out (a REDIRECT's reply) gave it a source that is not a node address.
     */
    default boolean sentByNode(Packet leaving) {
        return false;
    }

    /**
     * True when {@code leaving}, seen leaving with a source that is no node address, belongs to a connection TPROXY gave
     * a local socket: that transparent socket sends from the connection's original destination. Changes nothing.
     */
    default boolean sentByTproxiedSocket(Packet leaving) {
        return false;
    }

    /**
     * The packet that arrived, for a packet seen leaving with a node address as its source that is not the node's own:
     * conntrack holds its connection, and the sender of the direction it travels is not a node address (a forwarded
     * packet that source NAT, or the undoing of a DNAT, gave a node address: masqueraded pod traffic, a published
     * port's reply). Empty otherwise, and when the route back is the device it left by. Changes nothing.
     */
    default Optional<Arrival> forwardedArrivalOf(Packet leaving) {
        return Optional.empty();
    }

    /**
     * How the connection of {@code arriving} (its first packet, before NAT) left the node, from a {@code conntrack -L}
     * in the bundle: the inverse of its reply tuple. Empty when the bundle holds no such connection.
     */
    default Optional<Tuple> dumpedLeavingOf(Packet arriving) {
        return Optional.empty();
    }

    /**
     * How the connection of {@code arriving} (its first packet, before NAT) left the node, from the kernel's
     * {@code conntrack -E} NEW event for it in the bundle, with that event's file and line. Empty when the log holds none.
     */
    default Optional<ConntrackEventHints.Logged> loggedLeavingOf(Packet arriving) {
        return Optional.empty();
    }

    /**
     * For a received packet of no connection conntrack holds, that cannot have opened its connection (a reply, or a TCP
     * packet without SYN) and whose connection the bundle's {@code conntrack -L} holds: adds that connection, open, as
     * it was before the capture began, and says so; empty, changing nothing, otherwise.
     */
    default Optional<String> openedBeforeCapture(Packet received) {
        return Optional.empty();
    }

    /** A packet sent by the node itself, from the output route lookup and OUTPUT; {@code packet} is as captured on the wire. */
    PathRun localOut(Packet packet, ChoiceOracle oracle, boolean collectMisses);

    /** Applies the effects of the run that happened, and says what that revealed (a conntrack clash that drops it). */
    CommitOutcome commit(PathRun run, Packet packet);

    /**
     * The run adjusted to how the packet left when the kernel chose a value the replay cannot know (a random or
     * clash-avoiding source port): NAT, egress and the conntrack binding take the tuple {@code leftAs}, which
     * {@code seenIn} showed ("the capture", "the bundle's conntrack -L").
     */
    PathRun observed(PathRun run, Tuple leftAs, String seenIn);

    /**
     * A frame bridged between two ports of {@code packet.inIface()} (a bridge) with br_netfilter on: PREROUTING, FORWARD
     * and POSTROUTING with the bridge as both interfaces and the ports for {@code -m physdev}; no route lookup.
     */
    PathRun bridged(Packet packet, ChoiceOracle oracle, boolean collectMisses);

    /**
     * A multicast (or broadcast) received on port {@code packet.physIn()} of bridge {@code packet.inIface()} with
     * br_netfilter on, which the bridge flooded to {@code copies} (in the capture's order) and, when {@code local}, handed
     * to its own IP stack: PREROUTING once on the port, FORWARD and POSTROUTING for each copy (the bridge as both
     * interfaces, the copy's port as {@code --physdev-out}), then the route lookup and INPUT for the local copy with no
     * second PREROUTING ({@code samples/recorder/checks/bridge-multicast-flood.sh}).
     */
    default PathRun flooded(Packet packet, java.util.List<FloodCopy> copies, boolean local, ChoiceOracle oracle,
                            boolean collectMisses) {
        return local ? ingress(packet, oracle, collectMisses) : bridged(packet, oracle, collectMisses);
    }

    /** The run as it ends when its packet never left: a next hop that did not resolve (else the run unchanged). */
    PathRun neverLeft(PathRun run);

    /**
     * The run as it ends when its packet lost a conntrack insert race: another connection (frame {@code winner}) left
     * with the same NAT tuple and was confirmed first, so the kernel dropped this packet (insert_failed, drop).
     */
    PathRun lostRace(PathRun run, long winner);

    /** The node's interface whose MAC address is {@code mac} (48 bits), if exactly one has it. */
    Optional<String> interfaceWithMac(long mac);

    /** Whether {@code iface} is a bridge (some interface names it as its master). */
    boolean isBridge(String iface);

    /** The bridge an interface is a port of, if any. */
    Optional<String> bridgeOf(String iface);

    /**
     * Whether a frame carrying {@code packet}, received on a port of {@code bridge}, stays on the bridge's segment (its
     * destination is not a node address and is routed out the bridge itself), rather than going to the bridge's IP
     * stack (a sender sends a packet for an address beyond its segment to its gateway's MAC: the bridge's).
     */
    default boolean staysOnBridge(Packet packet, String bridge) {
        return true;
    }

    /**
     * The device a frame whose capture names none was most likely captured on: for a frame received, the device of the
     * route back to its source; for one sent, the device of the route to its destination. Empty when there is no route.
     */
    default Optional<String> deviceOf(Packet captured, boolean inbound) {
        return Optional.empty();
    }

    /** The state of the bundle's neighbour entry for {@code address} on {@code dev} (ip neigh), empty when it has none. */
    default Optional<String> neighborState(IpAddress address, String dev) {
        return Optional.empty();
    }

    /**
     * What arp_process does with an IPv4 ARP request for {@code target} from {@code sender} received on {@code iface} (not a
     * bridge port); empty when the node's network state is not known.
     */
    default Optional<io.pktpath.core.routing.ArpDecision> arpRequest(String iface, IpAddress sender, IpAddress target) {
        return Optional.empty();
    }

    /** The state of the bundle's {@code ip neigh} entry for {@code address} on {@code dev}, with or without a MAC. */
    default Optional<String> neighborEntry(IpAddress address, String dev) {
        return Optional.empty();
    }

    /** Whether bridged frames of this family go through iptables ({@code bridge-nf-call-iptables}/{@code ip6tables}). */
    boolean bridgeNetfilter(IpFamily family);

    /** Whether {@code address} is one of the node's own addresses. */
    boolean isLocal(io.pktpath.parser.net.IpAddress address);

    /**
     * Whether nf_defrag reassembles this family's fragments at PREROUTING and OUTPUT (priority -400, before raw), so
     * that the hooks see whole datagrams only; false (the default) leaves every fragment to be replayed alone.
     */
    default boolean defragments(IpFamily family) {
        return false;
    }

    /**
     * How long nf_defrag keeps an incomplete datagram before dropping its fragments: {@code net.ipv4.ipfrag_time}
     * (IPv6: {@code net.netfilter.nf_conntrack_frag6_timeout}), in seconds, the kernel default when the bundle lacks it.
     */
    default Setting<Long> fragmentTimeout(IpFamily family) {
        String name = family == IpFamily.V4 ? "net.ipv4.ipfrag_time"
                : "net.netfilter.nf_conntrack_frag6_timeout";
        return Sysctls.empty().get(name);
    }
}
