package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Nat.dnat;
import static io.pktpath.core.conntrack.Nat.rule;
import static io.pktpath.core.conntrack.Nat.snat;
import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.ip;
import static io.pktpath.core.conntrack.Pkts.tcp;
import static io.pktpath.core.conntrack.Pkts.tuple;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.Netmap;
import io.pktpath.parser.iptables.target.Redirect;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NatBindingTest {
    private static final RuleRef PRE = rule("PREROUTING", 1, "-A PREROUTING -j DNAT");
    private static final RuleRef POST = rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT");
    private static final NatEnv MASQ = new NatEnv(Optional.of(ip("192.0.2.1")), Optional.empty(), "eth1", "eth0");

    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    private CtCandidate candidate(Packet p) {
        return ((CtLookup.Created) table.lookup(p, 0, p.timeNanos())).candidate();
    }

    /** Runs a new packet through DST (optional target) and SRC (optional target, else null binding) and confirms. */
    private CtCandidate setUp(Packet p, Target dst, Target src, NatEnv env) {
        CtCandidate c = candidate(p);
        c = c.withBinding(dst == null ? table.bindNull(c, NatManip.DST, p.timeNanos())
                : table.bind(c, dst, PRE, NatManip.DST, p, env, p.timeNanos()));
        c = c.withBinding(src == null ? table.bindNull(c, NatManip.SRC, p.timeNanos())
                : table.bind(c, src, POST, NatManip.SRC, p, env, p.timeNanos()));
        return c;
    }

    @Test
    void dnatRangeMemberIsChosenByJhash2() {
        Packet p = udp("10.1.0.2", 40001, "10.96.0.10", 53, 1, 0);
        NatBinding b = table.bind(candidate(p), dnat("10.2.0.2", "10.2.0.5", null), PRE, NatManip.DST, p, NatEnv.none(), 0);
        assertEquals(NatKind.DNAT, b.kind());
        assertEquals(tuple(Packet.UDP, "10.1.0.2", 40001, "10.2.0.5", 53), b.after());
        assertEquals("DNAT: address 10.2.0.5 of range 10.2.0.2-10.2.0.5 chosen by jhash2(src) like the kernel;"
                + " port 53 kept: reply tuple free", b.detail());
        assertEquals(tuple(Packet.UDP, "10.1.0.2", 40001, "10.2.0.5", 53), b.rewrite(p).tuple());
        // the sentence is written once, when first read, and the trace step reads the same text
        assertSame(b.detailText(), b.toStep(Hook.PREROUTING).detailText());
        assertEquals(b.detail(), b.toStep(Hook.PREROUTING).detail());
        assertEquals(b.detail(), b.toRecord().detail());
        Packet other = udp("10.1.0.7", 40001, "10.96.0.10", 53, 2, 0);
        assertEquals(ip("10.2.0.2"), table.bind(candidate(other), dnat("10.2.0.2", "10.2.0.5", null), PRE,
                NatManip.DST, other, NatEnv.none(), 0).after().dst());
    }

    @Test
    void snatKeepsThePortWhileTheReplyTupleIsFreeThenMovesOn() {
        Packet a = udp("10.1.0.2", 40001, "8.8.8.8", 53, 1, 0);
        CtCandidate ca = setUp(a, null, snat("192.0.2.1"), NatEnv.none());
        assertEquals("SNAT: address 192.0.2.1; port 40001 kept: reply tuple free", ca.srcBinding().get().detail());
        assertEquals(tuple(Packet.UDP, "8.8.8.8", 53, "192.0.2.1", 40001), ca.reply());
        table.confirm(ca, a, 0);

        Packet b = udp("10.1.0.3", 40001, "8.8.8.8", 53, 2, 10 * MS);
        NatBinding nb = setUp(b, null, snat("192.0.2.1"), NatEnv.none()).srcBinding().get();
        assertEquals(tuple(Packet.UDP, "192.0.2.1", 40002, "8.8.8.8", 53), nb.after());
        assertEquals("SNAT: address 192.0.2.1; port 40001 taken (reply tuple 8.8.8.8:53 -> 192.0.2.1:40001 belongs"
                + " to flow #1): the kernel picks another of 1024-65535 from a random offset; shown as 40002,"
                + " the first free one after 40001", nb.detail());
        assertTrue(nb.valueUnknown());
        assertEquals(1L, nb.collision().orElseThrow().flowId());
    }

    @Test
    void snatOfLowPortsStaysInTheImplicitRange() {
        table.confirm(setUp(udp("10.1.0.2", 511, "8.8.8.8", 53, 1, 0), null, snat("192.0.2.1"), NatEnv.none()),
                udp("10.1.0.2", 511, "8.8.8.8", 53, 1, 0), 0);
        NatBinding nb = setUp(udp("10.1.0.3", 511, "8.8.8.8", 53, 2, 0), null, snat("192.0.2.1"), NatEnv.none())
                .srcBinding().get();
        assertEquals(1, nb.after().sport(), "1-511 wraps to its start");
    }

    @Test
    void masqueradeUsesTheAddressRoutingSupplies() {
        Packet p = tcp("10.1.0.2", 40001, "203.0.113.5", 443, Packet.SYN, 1, 0);
        NatBinding b = setUp(p, null, new Masquerade(Optional.empty(), false, false), MASQ).srcBinding().get();
        assertEquals(NatKind.MASQUERADE, b.kind());
        assertEquals(tuple(Packet.TCP, "192.0.2.1", 40001, "203.0.113.5", 443), b.after());
        assertEquals("MASQUERADE: address 192.0.2.1; port 40001 kept: reply tuple free", b.detail());

        NatBinding random = setUp(p, null, new Masquerade(Optional.empty(), false, true), MASQ).srcBinding().get();
        assertEquals("MASQUERADE: address 192.0.2.1; --random-fully: port chosen at random by the kernel;"
                + " shown as the original port", random.detail());
        assertTrue(random.valueUnknown());

        CtCandidate c = candidate(p);
        NatBinding none = table.bind(c, new Masquerade(Optional.empty(), false, false), POST, NatManip.SRC, p,
                NatEnv.none(), 0);
        assertTrue(none.drops());
        assertEquals("MASQUERADE: output interface  has no usable address, the kernel drops the packet", none.detail());
    }

    @Test
    void redirectGoesToTheIncomingAddressOrLoopback() {
        Packet p = tcp("10.1.0.2", 40001, "93.184.216.34", 80, Packet.SYN, 1, 0);
        NatEnv env = new NatEnv(Optional.empty(), Optional.of(ip("10.0.0.5")), "eth1", "");
        Redirect r = new Redirect(Optional.of(PortRange.single(15001)), false, false);
        NatBinding b = table.bind(candidate(p), r, PRE, NatManip.DST, p, env, 0);
        assertEquals(tuple(Packet.TCP, "10.1.0.2", 40001, "10.0.0.5", 15001), b.after());
        assertEquals("REDIRECT: address 10.0.0.5; port 15001", b.detail());

        Packet local = new Packet(p.frame(), 0, p.family(), p.proto(), p.src(), p.dst(), p.sport(), p.dport(),
                p.tcpFlags(), 0, 0, 0, 0, 60, 64, -1, -1, 0, Optional.empty(), false, true, false, p.linkClass(),
                Optional.empty(), "", "", "", "", false, 0, true);
        NatBinding lo = table.bind(candidate(local), r, PRE, NatManip.DST, local, NatEnv.none(), 0);
        assertEquals(ip("127.0.0.1"), lo.after().dst());
        NatBinding dropped = table.bind(candidate(p), r, PRE, NatManip.DST, p,
                new NatEnv(Optional.empty(), Optional.empty(), "eth9", ""), 0);
        assertTrue(dropped.drops());
        assertEquals("REDIRECT: incoming interface eth9 has no address, the kernel drops the packet", dropped.detail());
    }

    @Test
    void netmapKeepsHostBitsAndReplacesNetworkBits() throws Exception {
        Packet p = udp("10.1.0.2", 40001, "10.5.3.4", 53, 1, 0);
        NatBinding b = table.bind(candidate(p), new Netmap(Cidr.parse("192.168.0.0/16")), PRE, NatManip.DST, p,
                NatEnv.none(), 0);
        assertEquals(NatKind.NETMAP, b.kind());
        assertEquals(ip("192.168.3.4"), b.after().dst());
        assertEquals("NETMAP: address 192.168.3.4; port 53 kept: reply tuple free", b.detail());
        NatBinding src = table.bind(candidate(p), new Netmap(Cidr.parse("172.16.0.0/12")), POST, NatManip.SRC, p,
                NatEnv.none(), 0);
        assertEquals(ip("172.17.0.2"), src.after().src());
    }

    @Test
    void nullBindingLeavesTheTupleAlone() {
        Packet p = udp("10.1.0.2", 40001, "8.8.8.8", 53, 1, 0);
        CtCandidate c = setUp(p, null, null, NatEnv.none());
        NatBinding b = c.srcBinding().get();
        assertTrue(b.nullBinding());
        assertFalse(b.changed());
        assertEquals("null binding: the nat chains ended without NAT", b.detail());
        assertFalse(c.needsBinding(NatManip.DST));
        assertEquals(p, b.rewrite(p));
    }

    @Test
    void hiddenSourcePortRewriteWhenTwoVipsLeadToOneBackend() {
        PortRange backend = PortRange.single(8080);
        Packet first = tcp("10.1.0.2", 40001, "10.96.0.10", 80, Packet.SYN, 1, 0);
        CtCandidate c1 = setUp(first, dnat("10.2.0.3", "10.2.0.3", backend), null, NatEnv.none());
        assertInstanceOf(ConfirmResult.Confirmed.class, table.confirm(c1, first, 0));

        Packet second = tcp("10.1.0.2", 40001, "10.96.0.20", 80, Packet.SYN, 2, 50 * MS);
        CtCandidate c2 = setUp(second, dnat("10.2.0.3", "10.2.0.3", backend), null, NatEnv.none());
        NatBinding hidden = c2.srcBinding().get();
        assertEquals(NatKind.PORT_CLASH_REWRITE, hidden.kind());
        assertEquals("source port rewritten (value unknown): port 40001 taken (reply tuple 10.2.0.3:8080 ->"
                + " 10.1.0.2:40001 belongs to flow #1); shown as 40002", hidden.detail());
        assertTrue(hidden.valueUnknown());
        assertEquals(tuple(Packet.TCP, "10.2.0.3", 8080, "10.1.0.2", 40002), c2.reply());
        ConfirmResult r = table.confirm(c2, second, 50 * MS);
        assertInstanceOf(ConfirmResult.Confirmed.class, r);
        assertEquals(java.util.List.of(), ((ConfirmResult.Confirmed) r).races(), "50 ms apart: no race");
    }

    @Test
    void dnatPortRangeTakesTheLowestFreePort() {
        PortRange ports = new PortRange(8080, 8090);
        Packet first = tcp("10.1.0.2", 40001, "10.96.0.10", 80, Packet.SYN, 1, 0);
        CtCandidate c1 = setUp(first, dnat("10.2.0.3", "10.2.0.3", ports), null, NatEnv.none());
        assertEquals("DNAT: address 10.2.0.3; lowest free port 8080 of range 8080-8090", c1.dstBinding().get().detail());
        table.confirm(c1, first, 0);
        Packet second = tcp("10.1.0.2", 40001, "10.96.0.20", 80, Packet.SYN, 2, MS);
        CtCandidate c2 = setUp(second, dnat("10.2.0.3", "10.2.0.3", ports), null, NatEnv.none());
        assertEquals(8081, c2.dstBinding().get().after().dport());
        assertEquals("DNAT: address 10.2.0.3; lowest free port 8081 of range 8080-8090", c2.dstBinding().get().detail());
    }
}
