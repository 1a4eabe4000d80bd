package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Nat.dnat;
import static io.pktpath.core.conntrack.Nat.rule;
import static io.pktpath.core.conntrack.Nat.snat;
import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.tcp;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.conntrack.ConntrackParser;
import io.pktpath.parser.diag.Parsed;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeedAndRaceTest {
    private static final String DUMP = """
            tcp      6 431999 ESTABLISHED src=10.1.0.2 dst=10.96.0.10 sport=40002 dport=80 src=10.2.0.3 dst=10.1.0.2 sport=8080 dport=40002 [ASSURED] mark=0 use=1
            udp      17 25 src=10.1.0.2 dst=10.96.0.10 sport=53000 dport=53 [UNREPLIED] src=10.2.0.3 dst=10.1.0.2 sport=53 dport=53000 mark=16 use=1
            icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=77 mark=0 use=1
            conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.
            """;

    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    @Test
    void seededEntriesCarryTheirNatStateAndTimeout() {
        Parsed<List<ConntrackEntry>> parsed = ConntrackParser.parse("conntrack.txt", DUMP);
        assertEquals(3, parsed.value().size(), parsed.diagnostics().toString());
        assertEquals(List.of(), table.seed(parsed.value(), 0));
        assertEquals(3, table.size());

        Packet reply = tcp("10.2.0.3", 8080, "10.1.0.2", 40002, Packet.ACK, 1, MS);
        CtLookup l = table.lookup(reply, 0, MS);
        assertEquals(CtState.ESTABLISHED, l.state());
        Connection ct = ((CtLookup.Existing) l).ct();
        assertTrue(ct.fromBundle());
        assertTrue(ct.assured());
        NatApplied post = table.applyNat(ct, CtDirection.REPLY, Hook.POSTROUTING, reply, false);
        assertEquals("10.96.0.10:80 -> 10.1.0.2:40002", post.packet().tuple().toString());

        Packet udpAgain = udp("10.1.0.2", 53000, "10.96.0.10", 53, 2, 2 * MS);
        CtLookup u = table.lookup(udpAgain, 0, 2 * MS);
        assertEquals(CtState.NEW, u.state(), "UNREPLIED in the dump: still NEW");
        assertEquals(16, u.ctInfo().orElseThrow().ctMark());
        assertInstanceOf(CtLookup.Created.class, table.lookup(udpAgain, 0, 25 * S), "25 s timeout ran out");

        assertEquals(CtState.ESTABLISHED, table.lookup(Pkts.icmp("10.0.0.2", "10.0.0.1", 0, 0, 77, 3, MS), 0, MS).state());

        FlowRecord f = table.flows(MS).get(0);
        assertTrue(f.fromBundle());
        assertEquals("ESTABLISHED", f.state());
        assertEquals("DNAT from the bundle: 10.96.0.10 -> 10.2.0.3", f.nat().get(0).detail());
        assertEquals("UDP", table.flows(MS).get(1).state());
        assertEquals(FlowEnd.EXPIRED, table.flows(26 * S).get(1).end());
    }

    @Test
    void sameTupleWithinTheWindowIsRaceEvidence() {
        Packet a = udp("10.1.0.2", 40001, "10.96.0.10", 53, 1, 0);
        CtCandidate c = ((CtLookup.Created) table.lookup(a, 0, 0)).candidate();
        c = c.withBinding(table.bind(c, dnat("10.2.0.2", "10.2.0.2", null), rule("KUBE-SEP-A", 1, "-A KUBE-SEP-A -j DNAT"),
                NatManip.DST, a, NatEnv.none(), 0));
        table.confirm(c, a, 0);
        Packet aaaa = udp("10.1.0.2", 40001, "10.96.0.10", 53, 2, 80_000);
        CtLookup.Existing e = (CtLookup.Existing) table.lookup(aaaa, 0, 80_000);
        Optional<RaceEvidence> r = table.commitPacket(e.ct(), e.direction(), aaaa, 80_000);
        RaceEvidence ev = r.orElseThrow();
        assertEquals(RaceEvidence.Kind.UDP_SAME_TUPLE, ev.kind());
        assertEquals(1, ev.earlierFrame());
        assertEquals(2, ev.laterFrame());
        assertEquals(80_000, ev.gapNanos());
        assertEquals("the same tuple 10.1.0.2:40001 -> 10.96.0.10:53, 80 µs apart with no reply between: on two CPUs"
                + " both would have been NEW and raced to confirm", ev.detail(),
                "the frames are the evidence's own fields, which every view prints before the detail");
        assertEquals("first packet: DNAT: address 10.2.0.2; port 53 kept: reply tuple free | second packet: would have"
                + " traversed the nat chains again (choice unknown)", ev.natChoices());
        assertEquals(1, table.stats().possibleRaces());
        Packet third = udp("10.1.0.2", 40001, "10.96.0.10", 53, 3, 90_000);
        assertTrue(table.commitPacket(e.ct(), e.direction(), third, 90_000).isEmpty(), "one report per flow");
    }

    @Test
    void sameTupleOutsideTheWindowOrAfterAReplyIsNoEvidence() {
        Packet a = udp("10.1.0.2", 40001, "10.96.0.10", 53, 1, 0);
        table.confirm(((CtLookup.Created) table.lookup(a, 0, 0)).candidate(), a, 0);
        Connection ct = table.live(1).orElseThrow();
        assertTrue(table.commitPacket(ct, CtDirection.ORIGINAL, udp("10.1.0.2", 40001, "10.96.0.10", 53, 2, 2 * MS),
                2 * MS).isEmpty());
        ConntrackTable t2 = new ConntrackTable(CtTimeouts.defaults());
        t2.confirm(((CtLookup.Created) t2.lookup(a, 0, 0)).candidate(), a, 0);
        Connection c2 = t2.live(1).orElseThrow();
        t2.commitPacket(c2, CtDirection.REPLY, udp("10.96.0.10", 53, "10.1.0.2", 40001, 2, 10_000), 10_000);
        assertTrue(t2.commitPacket(c2, CtDirection.ORIGINAL, udp("10.1.0.2", 40001, "10.96.0.10", 53, 3, 20_000),
                20_000).isEmpty());
    }

    @Test
    void snatPortCollisionWithinTheWindowIsRaceEvidence() {
        Packet a = udp("10.1.0.2", 40001, "8.8.8.8", 53, 1, 0);
        CtCandidate ca = ((CtLookup.Created) table.lookup(a, 0, 0)).candidate();
        ca = ca.withBinding(table.bind(ca, snat("192.0.2.1"), rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"),
                NatManip.SRC, a, NatEnv.none(), 0));
        table.confirm(ca, a, 0);
        Packet b = udp("10.1.0.3", 40001, "8.8.8.8", 53, 2, 300_000);
        CtCandidate cb = ((CtLookup.Created) table.lookup(b, 0, 300_000)).candidate();
        cb = cb.withBinding(table.bind(cb, snat("192.0.2.1"), rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"),
                NatManip.SRC, b, NatEnv.none(), 300_000));
        ConfirmResult.Confirmed r = (ConfirmResult.Confirmed) table.confirm(cb, b, 300_000);
        RaceEvidence ev = r.races().get(0);
        assertEquals(RaceEvidence.Kind.SNAT_PORT_COLLISION, ev.kind());
        assertEquals("8.8.8.8:53 -> 192.0.2.1:40001", ev.contestedTuple().toString());
        assertEquals("flows #1 and #2 wanted the same reply tuple 8.8.8.8:53 -> 192.0.2.1:40001 300 µs apart: on two"
                + " CPUs both would have kept the port, and the later would have been dropped at confirmation"
                + " (insert_failed)", ev.detail());
        assertEquals(List.of(ev), table.races());
    }

    @Test
    void confirmClashesFollowTheKernel() {
        Packet a = udp("10.1.0.2", 40001, "8.8.8.8", 53, 1, 0);
        CtCandidate first = ((CtLookup.Created) table.lookup(a, 0, 0)).candidate();
        CtCandidate second = ((CtLookup.Created) table.lookup(a, 0, 0)).candidate();
        table.confirm(first, a, 0);
        ConfirmResult r = table.confirm(second, a, 0);
        ConfirmResult.ClashResolved cr = assertInstanceOf(ConfirmResult.ClashResolved.class, r);
        assertTrue(cr.sameNat());
        assertEquals("clash with flow #1 resolved: identical NAT, the packet adopts that ct", cr.detail());

        Packet s = tcp("10.1.0.2", 40001, "8.8.8.8", 80, Packet.SYN, 2, 0);
        CtCandidate t1 = ((CtLookup.Created) table.lookup(s, 0, 0)).candidate();
        CtCandidate t2 = ((CtLookup.Created) table.lookup(s, 0, 0)).candidate();
        table.confirm(t1, s, 0);
        ConfirmResult.Dropped d = assertInstanceOf(ConfirmResult.Dropped.class, table.confirm(t2, s, 0));
        assertEquals("insert_failed: ORIGINAL tuple 10.1.0.2:40001 -> 8.8.8.8:80 already confirmed as flow #2 and TCP"
                + " has no clash resolution", d.detail());
        ConntrackStats st = table.stats();
        assertEquals(2, st.insert());
        assertEquals(1, st.clashResolve());
        assertEquals(1, st.insertFailed());
        assertEquals(1, st.drop());
    }

    @Test
    void droppedFirstPacketLeavesNoCt() {
        Packet syn = tcp("10.1.0.2", 40001, "8.8.8.8", 80, Packet.SYN, 1, 0);
        CtLookup.Created c = (CtLookup.Created) table.lookup(syn, 0, 0);
        table.commitUnconfirmedDrop(c.candidate());
        assertEquals(0, table.size());
        assertEquals(List.of(), table.flows(0));
        assertFalse(table.lookup(syn, 0, MS) instanceof CtLookup.Existing);
    }
}
