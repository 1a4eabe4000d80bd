package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Nat.dnat;
import static io.pktpath.core.conntrack.Nat.rule;
import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.ip;
import static io.pktpath.core.conntrack.Pkts.tuple;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import org.junit.jupiter.api.Test;

/** netfilter-semantics §5.6 and §2.7 / §11.17, reproduced exactly. */
class UnNatTest {
    private static final String N = Nat.NODE;
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());


    @Test
    void workedExampleTuples() {
        Connection ct = Nat.workedExample(table);
        assertEquals("10.1.0.2:40001 -> 10.96.0.10:53", ct.original().toString());
        assertEquals("10.2.0.3:53 -> 192.168.1.10:40001", ct.reply().toString());
        assertEquals(2, ct.nat().size());
        assertEquals("MASQUERADE: address 192.168.1.10; port 40001 kept: reply tuple free", ct.nat().get(1).detail());
    }

    @Test
    void replyIsUnNatedWithoutRules() {
        Connection ct = Nat.workedExample(table);
        Packet reply = udp("10.2.0.3", 53, N, 40001, 2, MS);
        CtLookup l = table.lookup(reply, 0, MS);
        assertEquals(CtState.ESTABLISHED, l.state());
        assertEquals(CtDirection.REPLY, ((CtLookup.Existing) l).direction());
        NatApplied pre = table.applyNat(ct, CtDirection.REPLY, Hook.PREROUTING, reply, false);
        assertEquals("10.2.0.3:53 -> 10.1.0.2:40001", pre.packet().tuple().toString());
        NatStep s1 = pre.step().orElseThrow();
        assertEquals(NatKind.UNSNAT, s1.kind());
        assertEquals("destination restored to the original source by flow #1 (REPLY)", s1.detail());
        assertTrue(table.applyNat(ct, CtDirection.REPLY, Hook.FORWARD, pre.packet(), false).step().isEmpty());
        NatApplied post = table.applyNat(ct, CtDirection.REPLY, Hook.POSTROUTING, pre.packet(), false);
        assertEquals("10.96.0.10:53 -> 10.1.0.2:40001", post.packet().tuple().toString());
        assertEquals(NatKind.UNDNAT, post.step().orElseThrow().kind());
    }

    @Test
    void laterOriginalPacketsReuseTheBinding() {
        Connection ct = Nat.workedExample(table);
        Packet again = udp("10.1.0.2", 40001, "10.96.0.10", 53, 3, 2 * MS);
        CtLookup l = table.lookup(again, 0, 2 * MS);
        assertEquals(CtState.NEW, l.state());
        NatApplied pre = table.applyNat(ct, CtDirection.ORIGINAL, Hook.PREROUTING, again, false);
        assertEquals("10.1.0.2:40001 -> 10.2.0.3:53", pre.packet().tuple().toString());
        assertEquals(NatKind.BINDING, pre.step().orElseThrow().kind());
        NatApplied post = table.applyNat(ct, CtDirection.ORIGINAL, Hook.POSTROUTING, pre.packet(), false);
        assertEquals("192.168.1.10:40001 -> 10.2.0.3:53", post.packet().tuple().toString());
    }

    /** §2.7: UDP to VIP 10.96.0.40:9 DNATed to 10.2.0.2:9; the backend's port unreachable reaches the client from the VIP. */
    @Test
    void portUnreachableFromDnatBackendIsRelatedAndBothHeadersShowTheVip() {
        Packet p = udp("10.1.0.2", 5555, "10.96.0.40", 9, 1, 0);
        CtCandidate c = ((CtLookup.Created) table.lookup(p, 0, 0)).candidate();
        c = c.withBinding(table.bind(c, dnat("10.2.0.2", "10.2.0.2", null), rule("PREROUTING", 1, "-A PREROUTING -j DNAT"),
                NatManip.DST, p, NatEnv.none(), 0));
        c = c.withBinding(table.bindNull(c, NatManip.SRC, 0));
        Connection ct = ((ConfirmResult.Confirmed) table.confirm(c, p, 0)).ct();

        Packet error = Pkts.icmpError("10.2.0.2", "10.1.0.2", 3, 3, tuple(Packet.UDP, "10.1.0.2", 5555, "10.2.0.2", 9), 2, MS);
        CtLookup l = table.lookup(error, 0, MS);
        assertInstanceOf(CtLookup.Related.class, l);
        assertEquals(CtDirection.REPLY, ((CtLookup.Related) l).direction());
        assertTrue(l.ctInfo().orElseThrow().replyDirection());
        assertEquals("ICMP error 3/3 quotes 10.1.0.2:5555 -> 10.2.0.2:9 of flow #1: RELATED, direction REPLY", l.detail());

        assertTrue(table.applyNat(ct, CtDirection.REPLY, Hook.PREROUTING, error, true).step().isEmpty());
        NatApplied post = table.applyNat(ct, CtDirection.REPLY, Hook.POSTROUTING, error, true);
        Packet out = post.packet();
        assertEquals(ip("10.96.0.40"), out.src());
        assertEquals(ip("10.1.0.2"), out.dst());
        assertEquals(3, out.icmpType());
        assertEquals("10.1.0.2:5555 -> 10.96.0.40:9", out.quoted().orElseThrow().toString());
        assertEquals("source restored to the original destination by flow #1 (REPLY); quoted header"
                + " 10.1.0.2:5555 -> 10.2.0.2:9 became 10.1.0.2:5555 -> 10.96.0.40:9", post.step().orElseThrow().detail());
    }

    /** A router beyond the node answers a masqueraded flow: the error is RELATED and de-SNATed to the pod at PREROUTING. */
    @Test
    void timeExceededForAMasqueradedFlowReachesThePod() {
        Nat.workedExample(table);
        Connection ct = table.live(1).orElseThrow();
        Packet error = Pkts.icmpError("10.9.9.9", N, 11, 0, tuple(Packet.UDP, N, 40001, "10.2.0.3", 53), 2, MS);
        CtLookup l = table.lookup(error, 0, MS);
        assertEquals(CtDirection.REPLY, ((CtLookup.Related) l).direction());
        NatApplied pre = table.applyNat(ct, CtDirection.REPLY, Hook.PREROUTING, error, true);
        assertEquals(ip("10.1.0.2"), pre.packet().dst());
        assertEquals("10.1.0.2:40001 -> 10.2.0.3:53", pre.packet().quoted().orElseThrow().toString());
        NatApplied post = table.applyNat(ct, CtDirection.REPLY, Hook.POSTROUTING, pre.packet(), true);
        assertEquals(ip("10.96.0.10"), post.packet().src(),
                "nf_nat_icmp_reply_translation rewrites the outer source unconditionally: the router shows as the VIP");
        assertEquals("10.1.0.2:40001 -> 10.96.0.10:53", post.packet().quoted().orElseThrow().toString());
    }
}
