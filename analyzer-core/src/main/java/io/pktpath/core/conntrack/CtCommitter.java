package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutating half of the protocol trackers: creates the ct of a confirmed candidate and applies each later packet
 * (TCP state machine and ASSURED per nf_conntrack_proto_tcp.c, UDP 30 s / 120 s stream rule per
 * nf_conntrack_proto_udp.c, ICMP and generic timeouts). TCP window tracking is not modelled.
 */
final class CtCommitter {
    private static final long STREAM_AFTER_NANOS = 2_000_000_000L;
    private final CtTimeouts timeouts;

    /** Recently made NAT records by hash, one per slot; an equal record found there is shared instead of the new one. */
    private final NatRecord[] natRecords = new NatRecord[1 << NAT_RECORD_BITS];
    private static final int NAT_RECORD_BITS = 14;

    CtCommitter(CtTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /**
     * One instance per distinct NAT record (flows to the same endpoint by the same rule share it): memory per flow.
     * Only the last record made per slot is kept, so sharing costs neither a map's entries nor its growth.
     */
    private NatRecord shared(NatRecord r) {
        int slot = (r.hashCode() * 0x9E3779B9) >>> (32 - NAT_RECORD_BITS);
        NatRecord known = natRecords[slot];
        if (known != null && known.equals(r)) {
            return known;
        }
        natRecords[slot] = r;
        return r;
    }

    Connection create(long id, CtCandidate c, Packet first, long timeNanos, long timeoutSeconds) {
        List<NatRecord> nat = new ArrayList<>(2);
        c.dstBinding().filter(b -> b.changed() || !b.nullBinding()).ifPresent(b -> nat.add(shared(b.toRecord())));
        c.srcBinding().filter(b -> b.changed() || !b.nullBinding()).ifPresent(b -> nat.add(shared(b.toRecord())));
        Connection ct = new Connection(id, c.zone(), c.original(), c.reply(), c.icmpRequestType(), false, nat,
                c.tcpState(), timeNanos, c.mark());
        ct.count(CtDirection.ORIGINAL, first);
        ct.setTimeout(timeNanos, timeoutSeconds);
        return ct;
    }

    /** Applies one packet; returns true if the ct must be deleted (RST before any reply). */
    boolean update(Connection ct, CtDirection dir, Packet p, long timeNanos) {
        ct.count(dir, p);
        ct.touch(timeNanos);
        boolean delete = false;
        switch (ct.protocol()) {
            case Packet.TCP -> delete = tcp(ct, dir, p, timeNanos);
            case Packet.UDP, 136 -> udp(ct, timeNanos);
            case Packet.ICMP -> ct.setTimeout(timeNanos, timeouts.icmp());
            case Packet.ICMPV6 -> ct.setTimeout(timeNanos, timeouts.icmpv6());
            default -> ct.setTimeout(timeNanos, timeouts.generic());
        }
        if (dir == CtDirection.REPLY) {
            ct.markSeenReply();
        }
        return delete;
    }

    private boolean tcp(Connection ct, CtDirection dir, Packet p, long timeNanos) {
        int idx = TcpTracker.index(p.tcpFlags());
        TcpState old = ct.tcpState();
        int next = TcpTracker.next(old, dir, idx);
        if (next < 0) {
            return false;
        }
        if (idx == TcpTracker.RST && !ct.seenReply()) {
            return true;
        }
        TcpState state = TcpState.of(next);
        if (ct.seenReply() && !ct.assured() && (old == TcpState.SYN_RECV || old == TcpState.ESTABLISHED)
                && state == TcpState.ESTABLISHED) {
            ct.markAssured();
        }
        ct.setTcpState(state);
        long timeout;
        if (idx == TcpTracker.RST) {
            timeout = timeouts.tcp(TcpState.CLOSE);
        } else if (state == TcpState.ESTABLISHED && !ct.seenReply() && dir == CtDirection.ORIGINAL) {
            timeout = Math.min(timeouts.tcp(state), timeouts.tcpUnacknowledged());
        } else {
            timeout = timeouts.tcp(state);
        }
        ct.setTimeout(timeNanos, timeout);
        return false;
    }

    private void udp(Connection ct, long timeNanos) {
        if (!ct.seenReply()) {
            ct.setTimeout(timeNanos, timeouts.udp());
            return;
        }
        if (timeNanos - ct.createdNanos() > STREAM_AFTER_NANOS) {
            ct.setTimeout(timeNanos, timeouts.udpStream());
            ct.markAssured();
        } else {
            ct.setTimeout(timeNanos, timeouts.udp());
        }
    }
}
