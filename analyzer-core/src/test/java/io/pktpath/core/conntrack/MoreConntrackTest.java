package io.pktpath.core.conntrack;

import static io.pktpath.core.conntrack.Nat.rule;
import static io.pktpath.core.conntrack.Nat.snat;
import static io.pktpath.core.conntrack.Pkts.MS;
import static io.pktpath.core.conntrack.Pkts.S;
import static io.pktpath.core.conntrack.Pkts.icmp;
import static io.pktpath.core.conntrack.Pkts.ip;
import static io.pktpath.core.conntrack.Pkts.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatKind;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MoreConntrackTest {
    private final ConntrackTable table = new ConntrackTable(CtTimeouts.defaults());

    @Test
    void icmpEchoIdIsTheSnatPortAndRepliesGetItBack() {
        Packet first = icmp("10.1.0.2", "8.8.8.8", 8, 0, 7, 1, 0);
        CtCandidate a = ((CtLookup.Created) table.lookup(first, 0, 0)).candidate();
        a = a.withBinding(table.bind(a, snat("192.0.2.1"), rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"),
                NatManip.SRC, first, NatEnv.none(), 0));
        table.confirm(a, first, 0);
        Packet second = icmp("10.1.0.3", "8.8.8.8", 8, 0, 7, 2, S);
        CtCandidate b = ((CtLookup.Created) table.lookup(second, 0, S)).candidate();
        NatBinding nb = table.bind(b, snat("192.0.2.1"), rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"),
                NatManip.SRC, second, NatEnv.none(), S);
        assertEquals("SNAT: address 192.0.2.1; echo id 7 taken (reply tuple 8.8.8.8 -> 192.0.2.1 belongs to flow #1):"
                + " the kernel picks another of 0-65535 from a random offset; shown as 8, the first free one after 7",
                nb.detail());
        Connection ct = ((ConfirmResult.Confirmed) table.confirm(b.withBinding(nb), second, S)).ct();
        Packet reply = icmp("8.8.8.8", "192.0.2.1", 0, 0, 8, 3, S + MS);
        CtLookup l = table.lookup(reply, 0, S + MS);
        assertEquals(ct, ((CtLookup.Existing) l).ct());
        Packet back = table.applyNat(ct, CtDirection.REPLY, Hook.PREROUTING, reply, false).packet();
        assertEquals(ip("10.1.0.3"), back.dst());
        assertEquals(7, back.icmpId());
    }

    @Test
    void neighbourDiscoveryIsUntracked() {
        Packet ns = Packet.synthetic(IpFamily.V6, Packet.ICMPV6, ip("fe80::1"), 0, ip("ff02::1:ff00:2"), 0, "eth0", false);
        Packet p = new Packet(1, 0, ns.family(), ns.proto(), ns.src(), ns.dst(), 0, 0, 0, 0, 0, 0, 0, 72, 255, 135, 0,
                0, java.util.Optional.empty(), false, true, false, ns.linkClass(), java.util.Optional.empty(), "eth0",
                "", "", "", false, 0, false);
        CtLookup l = table.lookup(p, 0, 0);
        assertEquals(CtState.UNTRACKED, l.state());
        assertEquals("ICMPv6 type 135 (neighbour discovery/MLD) is never tracked by conntrack", l.detail());
    }

    @Test
    void flowRecordAndStatsSummariseTheReplay() {
        Packet q = udp("10.1.0.2", 5000, "10.0.0.53", 53, 10, 0);
        table.confirm(((CtLookup.Created) table.lookup(q, 0, 0)).candidate(), q, 0);
        Connection ct = table.live(1).orElseThrow();
        Packet r = udp("10.0.0.53", 53, "10.1.0.2", 5000, 11, 3 * MS);
        table.commitPacket(ct, CtDirection.REPLY, r, 3 * MS);
        table.commitMark(ct, 0x4000);
        CtLookup again = table.lookup(q, 0, 4 * MS);
        assertEquals(Set.of(CtStatus.CONFIRMED, CtStatus.SEEN_REPLY), again.ctInfo().orElseThrow().status());
        assertEquals(0x4000, again.ctInfo().orElseThrow().ctMark());
        table.commitInvalid();
        FlowRecord f = table.flows(4 * MS).get(0);
        assertEquals(new FlowRecord(1, 0, q.tuple(), q.tuple().inverse(), List.of(), "UDP", false, 1, 60, 1, 60, 0,
                3 * MS, true, FlowEnd.OPEN, false, 0x4000, 10, 11, List.of(10L, 11L)), f);
        assertEquals(3 * MS, f.durationNanos());
        assertEquals(table.flows(4 * MS), table.flowsView(4 * MS));
        assertEquals(List.of(10L, 11L), table.flowsView(4 * MS).get(0).frames());
        assertEquals(new ConntrackStats(1, 1, 1, 0, 0, 0, 0), table.stats());
        table.expire(40 * S);
        assertEquals(FlowEnd.EXPIRED, table.flows(40 * S).get(0).end());
    }

    @Test
    void sysctlTimeoutsOverrideDefaultsAndDefaultsAreListed() {
        CtTimeouts t = CtTimeouts.from(new io.pktpath.parser.sysctl.Sysctls(
                java.util.Map.of("net.netfilter.nf_conntrack_udp_timeout", "60")));
        assertEquals(60, t.udp());
        assertEquals(120, t.udpStream());
        assertTrue(t.assumed().contains("net.netfilter.nf_conntrack_udp_timeout_stream absent, kernel default 120 assumed"));
        ConntrackTable custom = new ConntrackTable(t);
        Packet q = udp("10.1.0.2", 5000, "10.0.0.53", 53, 1, 0);
        custom.confirm(((CtLookup.Created) custom.lookup(q, 0, 0)).candidate(), q, 0);
        assertEquals(60 * S, custom.live(1).orElseThrow().expiresNanos());
    }

    @Test
    void candidateBindingsAreRecordedOnTheFlow() {
        Packet q = udp("10.1.0.2", 5000, "8.8.8.8", 53, 1, 0);
        CtCandidate c = ((CtLookup.Created) table.lookup(q, 0, 0)).candidate();
        assertTrue(c.needsBinding(NatManip.DST));
        c = c.withBinding(table.bindNull(c, NatManip.DST, 0));
        c = c.withBinding(table.bind(c, snat("192.0.2.1"), rule("POSTROUTING", 4, "-A POSTROUTING -j SNAT"),
                NatManip.SRC, q, NatEnv.none(), 0));
        Connection ct = ((ConfirmResult.Confirmed) table.confirm(c, q, 0)).ct();
        assertEquals(1, ct.nat().size(), "the null DNAT binding is not listed");
        assertEquals(NatKind.SNAT, ct.nat().get(0).kind());
        assertEquals("nat POSTROUTING #4", ct.nat().get(0).rule().orElseThrow().label());
        assertTrue(ct.isSnat());
    }

    @Test
    void flowsToOneEndpointByOneRuleShareOneNatRecord() {
        io.pktpath.core.trace.RuleRef sepA = rule("KUBE-SEP-A", 1, "-A KUBE-SEP-A -p udp -j DNAT --to-destination 10.244.1.5");
        io.pktpath.core.trace.RuleRef sepB = rule("KUBE-SEP-B", 1, "-A KUBE-SEP-B -p udp -j DNAT --to-destination 10.244.2.7");
        List<Connection> cts = new java.util.ArrayList<>();
        String[] endpoints = {"10.244.1.5", "10.244.1.5", "10.244.2.7", "10.244.1.5"};
        io.pktpath.core.trace.RuleRef[] rules = {sepA, sepA, sepB, sepA};
        for (int i = 0; i < endpoints.length; i++) {
            Packet q = udp("10.1.0.2", 5000 + i, "10.96.0.10", 53, i + 1, i * MS);
            CtCandidate c = ((CtLookup.Created) table.lookup(q, 0, i * MS)).candidate();
            c = c.withBinding(table.bind(c, Nat.dnat(endpoints[i], endpoints[i], null), rules[i], NatManip.DST, q,
                    NatEnv.none(), i * MS));
            cts.add(((ConfirmResult.Confirmed) table.confirm(c, q, i * MS)).ct());
        }
        NatRecord first = cts.get(0).nat().get(0);
        assertTrue(first == cts.get(1).nat().get(0), "the second flow to 10.244.1.5 shares the first one's record");
        assertTrue(first == cts.get(3).nat().get(0), "a flow to 10.244.1.5 after one elsewhere shares it too");
        assertEquals(NatKind.DNAT, cts.get(2).nat().get(0).kind());
        assertTrue(!first.equals(cts.get(2).nat().get(0)), "another endpoint by another rule is another record");
    }

    @Test
    void snatRangeReusesTheSourceMappingOfTheSameClientPort() {
        io.pktpath.parser.iptables.target.Snat range = new io.pktpath.parser.iptables.target.Snat(
                Nat.range("192.0.2.1", "192.0.2.4", null), false, false, false);
        Packet a = udp("10.1.0.2", 40001, "8.8.8.8", 53, 1, 0);
        CtCandidate ca = ((CtLookup.Created) table.lookup(a, 0, 0)).candidate();
        NatBinding first = table.bind(ca, range, rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"), NatManip.SRC, a,
                NatEnv.none(), 0);
        assertTrue(first.detail().startsWith("SNAT: address 192.0.2."), first.detail());
        assertTrue(first.detail().endsWith(" of range 192.0.2.1-192.0.2.4 chosen by jhash2(src) like the kernel;"
                + " port 40001 kept: reply tuple free"), first.detail());
        table.confirm(ca.withBinding(first), a, 0);
        Packet b = udp("10.1.0.2", 40001, "9.9.9.9", 53, 2, MS);
        CtCandidate cb = ((CtLookup.Created) table.lookup(b, 0, MS)).candidate();
        NatBinding second = table.bind(cb, range, rule("POSTROUTING", 1, "-A POSTROUTING -j SNAT"), NatManip.SRC, b,
                NatEnv.none(), MS);
        assertEquals(first.after().src(), second.after().src());
        assertEquals("SNAT: mapping " + first.after().src() + ":40001 of flow #1 reused (same source address and port)",
                second.detail());
    }

    @Test
    void outcomesNameHowFlowsEnded() {
        Packet q = udp("10.1.0.2", 5000, "10.0.0.53", 53, 1, 0);
        table.confirm(((CtLookup.Created) table.lookup(q, 0, 0)).candidate(), q, 0);
        assertEquals("unreplied", table.flows(MS).get(0).outcome());
        table.commitPacket(table.live(1).orElseThrow(), CtDirection.REPLY, udp("10.0.0.53", 53, "10.1.0.2", 5000, 2, MS), MS);
        assertEquals("replied", table.flows(MS).get(0).outcome());
        assertEquals("expired", table.flows(60 * S).get(0).outcome());
    }
}
