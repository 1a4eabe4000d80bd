package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ConntrackFacts.Presence;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import org.junit.jupiter.api.Test;

/** What {@code -m connlimit} reads of the table: a connection there, there but closing (TIME_WAIT/CLOSE), or gone. */
class ConntrackPresenceTest {
    private static final int SYN = Packet.SYN;
    private static final int ACK = Packet.ACK;
    private static final int FINACK = Packet.FIN | Packet.ACK;

    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    private void pass(Packet p) {
        CtLookup l = table.lookup(p, 0, p.timeNanos());
        if (l instanceof CtLookup.Created c) {
            table.confirm(c.candidate(), p, p.timeNanos());
        } else if (l instanceof CtLookup.Existing e) {
            table.commitPacket(e.ct(), e.direction(), p, p.timeNanos());
        }
    }

    @Test
    void anOpenConnectionIsOpenThenClosedInTimeWaitThenAbsentOnceExpired() {
        Tuple original = Pkts.tuple(Packet.TCP, "10.0.0.1", 40000, "10.0.0.2", 80);
        assertEquals(Presence.ABSENT, table.presence(original, 0, 0, 0));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, SYN, 1, 0));
        assertEquals(Presence.OPEN, table.presence(original, 0, 0, MS));
        assertEquals(Presence.ABSENT, table.presence(original, 0, 1, MS), "another zone");
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK, 2, MS));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 3, 2 * MS));
        assertEquals(Presence.OPEN, table.presence(original.inverse(), 0, 0, 3 * MS), "found by its reply tuple");
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, FINACK, 4, 3 * MS));
        assertEquals(Presence.OPEN, table.presence(original, 0, 0, 3 * MS), "FIN_WAIT still counts");
        pass(tcp("10.0.0.2", 80, "10.0.0.1", 40000, FINACK, 5, 4 * MS));
        pass(tcp("10.0.0.1", 40000, "10.0.0.2", 80, ACK, 6, 5 * MS));
        assertEquals(Presence.CLOSED, table.presence(original, 0, 0, 6 * MS));
        assertEquals(Presence.ABSENT, table.presence(original, 0, 0, 5 * MS + 121 * S));
    }
}
