package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Tuple;
import java.util.Optional;

/**
 * The side-effect-free half of nf_conntrack_in: finds the packet's ct in either direction, or decides whether the
 * packet may open one (TCP first-packet rules, ICMP requests only), or classifies an ICMP error as RELATED (§2.3, §2.7).
 */
final class CtClassifier {
    private final CtIndex index;
    private final CtTimeouts timeouts;

    CtClassifier(CtIndex index, CtTimeouts timeouts) {
        this.index = index;
        this.timeouts = timeouts;
    }

    CtLookup lookup(Packet p, int zone, long timeNanos, long nextId) {
        if (p.fragment() && !p.firstFragment()) {
            // the replay reassembles fragments as nf_defrag does (ReplayLoop, Defragmenter): a fragment reaches this
            // lookup alone only where it does not (a bridge port, lo, a capture without directions)
            return new CtLookup.Invalid("non-first fragment the replay did not reassemble (received on a bridge port"
                    + " or lo, or captured without a direction): conntrack only sees whole datagrams");
        }
        if (p.isIcmpError()) {
            return related(p, zone, timeNanos);
        }
        if (p.proto() == Packet.ICMPV6 && untrackedIcmpv6(p.icmpType())) {
            return new CtLookup.Untracked("ICMPv6 type " + p.icmpType() + " (neighbour discovery/MLD) is never tracked by conntrack");
        }
        if (p.isTcp() && !TcpTracker.validFlags(p.tcpFlags())) {
            return new CtLookup.Invalid("TCP flag combination " + TcpTracker.flagNames(p.tcpFlags()) + " is invalid for conntrack");
        }
        int at = index.liveAt(zone, p, timeNanos);
        if (at >= 0) {
            return existing(index.ctAt(at), index.directionAt(at), p, timeNanos, nextId);
        }
        return fresh(p, zone, timeNanos, nextId, Optional.empty());
    }

    private static boolean untrackedIcmpv6(int type) {
        return type >= 130 && type <= 136 || type == 143;
    }

    private CtLookup existing(Connection ct, CtDirection dir, Packet p, long timeNanos, long nextId) {
        int next = -3;
        if (ct.isTcp()) {
            int idx = TcpTracker.index(p.tcpFlags());
            TcpState old = ct.tcpState();
            if (dir == CtDirection.ORIGINAL && idx == TcpTracker.SYN
                    && (old == TcpState.TIME_WAIT || old == TcpState.CLOSE)) {
                return fresh(p, ct.zone(), timeNanos, nextId, Optional.of(ct));
            }
            next = TcpTracker.next(old, dir, idx);
            if (next == TcpTracker.IV) {
                return new CtLookup.Invalid("TCP " + TcpTracker.flagNames(p.tcpFlags()) + " in the " + dir.name()
                        + " direction is invalid in TCP state " + old + " of flow #" + ct.id());
            }
        }
        return ct.existing(dir, ct.stateFor(dir), timeNanos, next);
    }

    /**
     * The lookup of {@code p} had the ct {@code first} not been confirmed yet (§8.1): a new candidate of its own, as the
     * kernel makes for the second of two datagrams sent at once on two CPUs.
     */
    CtLookup.Created racing(Packet p, Connection first, long timeNanos, long nextId) {
        CtLookup fresh = fresh(p, first.zone(), timeNanos, nextId, Optional.empty());
        if (!(fresh instanceof CtLookup.Created c)) {
            throw new IllegalStateException("a non-TCP packet of a tracked tuple always opens a candidate: " + fresh);
        }
        return new CtLookup.Created(c.candidate(), c.info(), "new flow #" + nextId + ": flow #" + first.id()
                + " of the same tuple (frame " + first.firstFrame() + ") was not confirmed yet, so this packet is NEW too");
    }

    private CtLookup fresh(Packet p, int zone, long timeNanos, long nextId, Optional<Connection> replaces) {
        Tuple original = p.tuple();
        TcpState tcpState = TcpState.NONE;
        boolean pickup = false;
        int icmpType = -1;
        String detail;
        if (p.isTcp()) {
            int idx = TcpTracker.index(p.tcpFlags());
            if (idx == TcpTracker.SYN) {
                tcpState = TcpState.SYN_SENT;
                detail = replaces.map(r -> "new flow #" + nextId + ": SYN reopens flow #" + r.id() + " in " + r.tcpState())
                        .orElse("new flow #" + nextId + " (TCP SYN_SENT)");
            } else if (idx == TcpTracker.ACK) {
                if (!timeouts.tcpLoose()) {
                    return new CtLookup.Invalid("TCP " + TcpTracker.flagNames(p.tcpFlags())
                            + " without a conntrack entry and nf_conntrack_tcp_loose=0: no mid-stream pickup");
                }
                tcpState = TcpState.ESTABLISHED;
                pickup = true;
                detail = "new flow #" + nextId + ": mid-stream pickup of TCP " + TcpTracker.flagNames(p.tcpFlags())
                        + " (tcp_loose=1), TCP ESTABLISHED; its start is not in the capture or the bundle";
            } else {
                return new CtLookup.Invalid("TCP " + TcpTracker.flagNames(p.tcpFlags())
                        + " without a conntrack entry cannot open a connection");
            }
        } else if (p.isIcmp()) {
            icmpType = p.icmpType();
            if (Tuples.requestType(p.proto(), icmpType) >= 0) {
                return new CtLookup.Invalid("ICMP" + (p.proto() == Packet.ICMPV6 ? "v6" : "") + " type " + icmpType
                        + " reply matches no conntrack entry");
            }
            if (Tuples.replyType(p.proto(), icmpType) < 0) {
                return new CtLookup.Invalid("ICMP" + (p.proto() == Packet.ICMPV6 ? "v6" : "") + " type " + icmpType
                        + " cannot open a conntrack entry (only requests can)");
            }
            detail = "new flow #" + nextId;
        } else {
            detail = "new flow #" + nextId;
        }
        CtCandidate c = new CtCandidate(nextId, zone, original, Tuples.invert(original), icmpType, tcpState, pickup,
                0, Optional.empty(), Optional.empty(), replaces);
        return new CtLookup.Created(c, c.ctInfo(firstTimeout(p.proto(), tcpState)), detail);
    }

    long firstTimeout(int proto, TcpState tcpState) {
        if (proto == Packet.TCP) {
            long t = timeouts.tcp(tcpState);
            return tcpState == TcpState.ESTABLISHED ? Math.min(t, timeouts.tcpUnacknowledged()) : t;
        }
        return timeouts.firstPacket(proto);
    }

    private CtLookup related(Packet p, int zone, long timeNanos) {
        String what = (p.proto() == Packet.ICMPV6 ? "ICMPv6" : "ICMP") + " error " + p.icmpType() + "/" + p.icmpCode();
        if (p.quoted().isEmpty()) {
            return new CtLookup.Invalid(what + " without a readable quoted header");
        }
        Tuple quoted = p.quoted().get();
        Tuple inverted = Tuples.invert(quoted);
        CtIndex.Slot slot;
        if (Tuples.isIcmp(quoted.protocol())) {
            int echo = quoted.protocol() == Packet.ICMP ? 8 : 128;
            slot = index.live(CtKey.of(zone, inverted, Tuples.replyType(quoted.protocol(), echo)), timeNanos);
            if (slot == null) {
                slot = index.live(CtKey.of(zone, inverted, echo), timeNanos);
            }
        } else {
            slot = index.live(CtKey.of(zone, inverted, 0), timeNanos);
        }
        if (slot == null) {
            return new CtLookup.Invalid(what + " quotes " + quoted + ", which matches no conntrack entry");
        }
        Connection ct = slot.ct();
        CtDirection dir = slot.direction();
        return new CtLookup.Related(ct, dir, ct.ctInfo(CtState.RELATED, dir, timeNanos),
                what + " quotes " + quoted + " of flow #" + ct.id() + ": RELATED, direction " + dir.name());
    }
}
