package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.icmp;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import org.junit.jupiter.api.Test;

class UdpIcmpTest {
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    private CtLookup pass(Packet p) {
        CtLookup l = table.lookup(p, 0, p.timeNanos());
        if (l instanceof CtLookup.Created c) {
            table.confirm(c.candidate(), p, p.timeNanos());
        } else if (l instanceof CtLookup.Existing e) {
            table.commitPacket(e.ct(), e.direction(), p, p.timeNanos());
        }
        return l;
    }

    @Test
    void udpStaysNewUntilAReply() {
        assertEquals(CtState.NEW, pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0)).state());
        CtLookup second = pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 10 * MS));
        assertEquals(CtState.NEW, second.state());
        assertEquals("flow #1 ORIGINAL (no reply seen yet)", second.detail());
        assertEquals(CtState.ESTABLISHED, pass(udp("10.0.0.2", 53, "10.0.0.1", 5000, 3, 20 * MS)).state());
        assertEquals(CtState.ESTABLISHED, pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 4, 30 * MS)).state());
    }

    @Test
    void udpTimeoutIsThirtySecondsThenStreamAfterTwoSeconds() {
        pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        Connection ct = table.live(1).orElseThrow();
        assertEquals(30 * S, ct.expiresNanos());
        pass(udp("10.0.0.2", 53, "10.0.0.1", 5000, 2, 100 * MS));
        assertEquals(100 * MS + 30 * S, ct.expiresNanos());
        pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 3, 1500 * MS));
        assertEquals(1500 * MS + 30 * S, ct.expiresNanos(), "replied but younger than 2 s: still 30 s");
        assertFalse(ct.assured());
        pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 4, 2200 * MS));
        assertEquals(2200 * MS + 120 * S, ct.expiresNanos());
        assertTrue(ct.assured());
    }

    @Test
    void unrepliedUdpExpiresAfterThirtySeconds() {
        pass(udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0));
        assertInstanceOf(CtLookup.Existing.class, table.lookup(udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 29 * S), 0, 29 * S));
        CtLookup late = table.lookup(udp("10.0.0.1", 5000, "10.0.0.2", 53, 2, 30 * S), 0, 30 * S);
        assertInstanceOf(CtLookup.Created.class, late);
        assertEquals("new flow #2", late.detail());
        table.expire(30 * S);
        assertEquals(0, table.size());
        FlowRecord f = table.flows(30 * S).get(0);
        assertEquals(FlowEnd.EXPIRED, f.end());
        assertFalse(f.replied());
    }

    @Test
    void icmpEchoRequestOpensAndTheReplyIsEstablished() {
        CtLookup req = pass(icmp("10.0.0.1", "10.0.0.2", 8, 0, 77, 1, 0));
        assertEquals(CtState.NEW, req.state());
        CtLookup rep = pass(icmp("10.0.0.2", "10.0.0.1", 0, 0, 77, 2, MS));
        assertEquals(CtState.ESTABLISHED, rep.state());
        assertEquals(CtDirection.REPLY, ((CtLookup.Existing) rep).direction());
        assertEquals(MS + 30 * S, table.live(1).orElseThrow().expiresNanos());
        CtLookup other = table.lookup(icmp("10.0.0.2", "10.0.0.1", 8, 0, 77, 3, 2 * MS), 0, 2 * MS);
        assertInstanceOf(CtLookup.Created.class, other, "an echo request the other way is a different ct");
    }

    @Test
    void echoReplyWithoutCtIsInvalid() {
        CtLookup l = table.lookup(icmp("10.0.0.2", "10.0.0.1", 0, 0, 77, 1, 0), 0, 0);
        assertEquals(CtState.INVALID, l.state());
        assertEquals("ICMP type 0 reply matches no conntrack entry", l.detail());
        assertEquals("ICMP type 9 cannot open a conntrack entry (only requests can)",
                table.lookup(icmp("10.0.0.2", "10.0.0.1", 9, 0, 0, 1, 0), 0, 0).detail());
    }

    @Test
    void icmpErrorQuotingNothingKnownIsInvalid() {
        CtLookup l = table.lookup(Pkts.icmpError("10.0.0.9", "10.0.0.1", 3, 3,
                Pkts.tuple(Packet.UDP, "10.0.0.1", 5000, "10.0.0.9", 9), 1, 0), 0, 0);
        assertEquals("ICMP error 3/3 quotes 10.0.0.1:5000 -> 10.0.0.9:9, which matches no conntrack entry", l.detail());
    }

    @Test
    void zonesSeparateIdenticalTuples() {
        Packet p = udp("10.0.0.1", 5000, "10.0.0.2", 53, 1, 0);
        pass(p);
        assertInstanceOf(CtLookup.Created.class, table.lookup(p, 5, MS));
        assertInstanceOf(CtLookup.Existing.class, table.lookup(p, 0, MS));
    }
}
