package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.tcp;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Lookups of a ct return the outcome made last for the direction only while every value in it is still current. */
class LookupReuseTest {
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    private CtLookup.Existing existing(Packet p) {
        return (CtLookup.Existing) table.lookup(p, 0, p.timeNanos());
    }

    private void open(Packet first) {
        CtLookup.Created c = (CtLookup.Created) table.lookup(first, 0, first.timeNanos());
        table.confirm(c.candidate(), first, first.timeNanos());
    }

    @Test
    void sameSecondSameOutcomeAndLaterSecondsCountDown() {
        open(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        CtLookup.Existing a = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 100 * MS));
        CtLookup.Existing b = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 3, 900 * MS));
        assertSame(a, b);
        assertSame(a.ctInfo(), b.ctInfo());
        assertEquals(29, a.info().expiresSeconds());
        CtLookup.Existing c = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 4, 1000 * MS));
        assertSame(a, c, "29 s left (rounded down) from 0.1 s to 1.0 s of a 30 s timeout");
        assertEquals(new CtInfo(CtState.NEW, false, 0, Set.of(CtStatus.CONFIRMED), a.ct().original(),
                java.util.Optional.of(a.ct().reply()), 0, 29, 1), c.info());
        CtLookup.Existing d = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 5, 1100 * MS));
        assertNotSame(a, d);
        assertEquals(28, d.info().expiresSeconds());
        assertSame(d, existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 6, 2000 * MS)));
        assertEquals(27, existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 7, 2001 * MS)).info().expiresSeconds());
    }

    @Test
    void markReplyAndDirectionChangeTheOutcome() {
        open(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        CtLookup.Existing before = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 10 * MS));
        table.commitMark(before.ct(), 0x42);
        CtLookup.Existing marked = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 3, 20 * MS));
        assertEquals(0L, before.info().ctMark());
        assertEquals(0x42L, marked.info().ctMark());
        CtLookup.Existing reply = existing(udp("10.0.0.2", 53, "10.0.0.1", 5000, 4, 30 * MS));
        assertEquals(CtDirection.REPLY, reply.direction());
        assertEquals(true, reply.info().replyDirection());
        assertEquals(CtState.ESTABLISHED, reply.state());
        table.commitPacket(reply.ct(), reply.direction(), udp("10.0.0.2", 53, "10.0.0.1", 5000, 4, 30 * MS), 30 * MS);
        CtLookup.Existing after = existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 5, 40 * MS));
        assertEquals(CtState.ESTABLISHED, after.state());
        assertEquals(Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY), after.info().status());
        assertEquals("flow #1 ORIGINAL", after.detail());
        CtLookup.Existing reply2 = existing(udp("10.0.0.2", 53, "10.0.0.1", 5000, 6, 50 * MS));
        assertNotSame(reply, reply2, "SEEN_REPLY is new since the first reply's lookup");
        assertEquals(Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY), reply2.info().status());
        assertSame(reply2, existing(udp("10.0.0.2", 53, "10.0.0.1", 5000, 7, 60 * MS)));
        assertSame(after, existing(udp("10.0.0.1", 5000, "10.0.0.2", 53, 8, 70 * MS)));
    }

    @Test
    void tcpTransitionsAreNotShared() {
        open(tcp("10.0.0.1", 4000, "10.0.0.2", 80, Packet.SYN, 1, 0));
        CtLookup.Existing synAck = existing(tcp("10.0.0.2", 80, "10.0.0.1", 4000, Packet.SYN | Packet.ACK, 2, MS));
        CtLookup.Existing rst = existing(tcp("10.0.0.2", 80, "10.0.0.1", 4000, Packet.RST, 3, MS));
        assertNotSame(synAck, rst);
        assertEquals(TcpState.SYN_RECV.ordinal(), synAck.tcpNext());
        assertEquals(TcpState.CLOSE.ordinal(), rst.tcpNext());
        assertEquals("flow #1 REPLY (TCP SYN_SENT -> SYN_RECV)", synAck.detail());
        CtLookup.Existing again = existing(tcp("10.0.0.2", 80, "10.0.0.1", 4000, Packet.SYN | Packet.ACK, 4, 2 * MS));
        assertEquals(synAck, again);
        assertSame(again, existing(tcp("10.0.0.2", 80, "10.0.0.1", 4000, Packet.SYN | Packet.ACK, 5, 3 * MS)));
    }
}
