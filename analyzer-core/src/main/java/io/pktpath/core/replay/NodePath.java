package io.pktpath.core.replay;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;

/**
 * The node as the replay loop sees it: it runs a packet through the hooks in kernel order without side effects, and
 * commits the run that happened (conntrack, rule counters, stateful matches).
 */
public interface NodePath {
    /** A packet received on {@code packet.inIface()}, from PREROUTING. */
    PathRun ingress(Packet packet, ChoiceOracle oracle, boolean collectMisses);

    /** A packet sent by the node itself, from the output route lookup and OUTPUT; {@code packet} is as captured on the wire. */
    PathRun localOut(Packet packet, ChoiceOracle oracle, boolean collectMisses);

    /** Applies the effects of the run that happened, and says what that revealed (a conntrack clash that drops it). */
    CommitOutcome commit(PathRun run, Packet packet);

    /**
     * The run adjusted to what the capture showed leaving the node when the kernel chose a value the replay cannot
     * know (a random or clash-avoiding source port): NAT, egress and the conntrack binding take the observed tuple.
     */
    PathRun observed(PathRun run, io.pktpath.core.trace.Tuple leftAs);

    /** Whether {@code address} is one of the node's own addresses. */
    boolean isLocal(io.pktpath.parser.net.IpAddress address);
}
