package io.pktpath.core.findings;

import io.pktpath.core.netfilter.ClosedPort;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds refusals in the capture alone (no socket table): the node's own RST+ACK acknowledging a SYN it delivered
 * locally, or its ICMP port unreachable quoting a UDP datagram it delivered locally. Packets TPROXY or REDIRECT took,
 * packets not delivered locally (REJECTed, dropped, forwarded) and connections the node answered otherwise are left out.
 */
final class CapturedRefusals {
    private static final int MAX_PENDING = 4096;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    /** A packet delivered locally and not yet answered: its frame, TCP sequence and destination after NAT. */
    private record Delivered(long frame, long seq, IpAddress address, int port) {
    }

    /** A refusal the capture shows: the refused packet's frame and destination, and the node's answer. */
    record Refusal(int proto, long refusedFrame, IpAddress address, int port, long answerFrame) {
    }

    /** Delivered packets by their tuple as captured. */
    private final Map<Tuple, Delivered> awaiting = new LinkedHashMap<>();

    /** Takes one frame's trace; the refusal it completes, when it is the node's answer to a packet delivered locally. */
    Optional<Refusal> accept(PacketTrace t) {
        PacketSummary p = t.packet();
        if (p.src().isEmpty() || p.dst().isEmpty() || p.sport() < 0 && p.quoted().isEmpty()) {
            return Optional.empty();
        }
        if (p.proto() == 6 && p.tcpFlags() >= 0) {
            return tcp(t, p);
        }
        if (p.proto() == 17 && p.sport() >= 0) {
            udp(t, p);
        } else if (portUnreachable(p) && sentByNode(t) && p.quoted().filter(q -> q.protocol() == 17).isPresent()) {
            Tuple quoted = p.quoted().get();
            Delivered d = awaiting.remove(quoted);
            if (d != null) {
                return Optional.of(new Refusal(17, d.frame(), d.address(), d.port(), p.frame()));
            }
        }
        return Optional.empty();
    }

    private Optional<Refusal> tcp(PacketTrace t, PacketSummary p) {
        int flags = p.tcpFlags();
        if ((flags & (SYN | ACK | RST)) == SYN) {
            forget(p);
            if (refusable(t)) {
                remember(tuple(p), t, p.tcpSeq());
            }
            return Optional.empty();
        }
        if (!sentByNode(t) || awaiting.isEmpty()) {
            return Optional.empty();
        }
        Delivered d = awaiting.remove(tuple(p).inverse());
        if (d == null || (flags & (RST | ACK)) != (RST | ACK) || (flags & SYN) != 0 || d.seq() < 0
                || p.tcpAck() != ((d.seq() + 1) & 0xffffffffL)) {
            return Optional.empty();
        }
        return Optional.of(new Refusal(6, d.frame(), d.address(), d.port(), p.frame()));
    }

    private void udp(PacketTrace t, PacketSummary p) {
        forget(p);
        if (refusable(t)) {
            remember(tuple(p), t, -1);
        }
    }

    /**
     * Drops what was awaiting an answer on {@code p}'s tuple: its sender starts over. Most frames find nothing
     * awaiting, and then make no tuple to hash.
     */
    private void forget(PacketSummary p) {
        if (!awaiting.isEmpty()) {
            awaiting.remove(tuple(p));
        }
    }

    private void remember(Tuple tuple, PacketTrace t, long seq) {
        if (awaiting.size() >= MAX_PENDING) {
            awaiting.remove(awaiting.keySet().iterator().next());
        }
        Tuple after = t.nat().filter(NatChange::changed).map(NatChange::after).orElse(tuple);
        awaiting.put(tuple, new Delivered(t.packet().frame(), seq, after.dst(), after.dport()));
    }

    /**
     * Delivered to a local address by the node's own socket lookup: not REDIRECTed, and no socket check passed (the
     * one a TPROXYed packet's path holds).
     */
    private static boolean refusable(PacketTrace t) {
        if (t.disposition() != Disposition.DELIVERED_LOCALLY) {
            return false;
        }
        for (TraceStep s : t.path()) {
            if (s instanceof NatStep n && n.kind() == NatKind.REDIRECT
                    || s instanceof CheckStep c && c.check().equals(ClosedPort.SOCKET_CHECK) && c.passed()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sentByNode(PacketTrace t) {
        return t.role() == FrameRole.LOCAL_OUT && t.disposition() == Disposition.SENT;
    }

    private static boolean portUnreachable(PacketSummary p) {
        return p.proto() == 1 && p.icmpType() == 3 && p.icmpCode() == 3
                || p.proto() == 58 && p.icmpType() == 1 && p.icmpCode() == 4;
    }

    private static Tuple tuple(PacketSummary p) {
        return new Tuple(p.proto(), p.src().get(), p.sport(), p.dst().get(), p.dport());
    }
}
