package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.model.Counters;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Non-terminating targets (MARK, CONNMARK, CT, NOTRACK), unknown verdicts, and rule hit counters. */
class TargetsTest {
    private static final Packet WEB = Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", 80).mark(0x11).build();

    private static Optional<CtInfo> ct(long ctmark) {
        return Optional.of(new CtInfo(CtState.NEW, false, ctmark, Set.of(), WEB.tuple(), Optional.empty(), 0, 120, 3));
    }

    @Test
    void markUsesTheXmarkFormula() {
        CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]",
                "-A PREROUTING -j MARK --set-xmark 0x100/0xff00", "-A PREROUTING -j MARK --and-mark 0xff00",
                "-A PREROUTING -j MARK --xor-mark 0x1", "-A PREROUTING -m mark --mark 0x101 -j ACCEPT"));
        Fixtures.Walked w = Fixtures.walk(rs, Hook.PREROUTING, "mangle", WEB);
        assertEquals(List.of("mangle PREROUTING #1 CONTINUE [mark 0x11 -> 0x111]", "mangle PREROUTING #2 CONTINUE [mark 0x111 -> 0x100]",
                "mangle PREROUTING #3 CONTINUE [mark 0x100 -> 0x101]", "mangle PREROUTING #4 ACCEPT"), w.lines());
        assertEquals(0x101, w.result().packet().mark());
    }

    @Test
    void connmarkSetSaveAndRestore() {
        CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
                "-A PREROUTING -j CONNMARK --set-xmark 0x2/0xf", "-A PREROUTING -j CONNMARK --save-mark --nfmask 0xf0 --ctmask 0xff",
                "-A FORWARD -j CONNMARK --restore-mark --nfmask 0xf --ctmask 0xf"));
        Fixtures.Walked pre = Fixtures.walk(rs, Hook.PREROUTING, "mangle", WEB, ct(0x35));
        assertEquals(List.of("mangle PREROUTING #1 CONTINUE [ctmark 0x35 -> 0x32]", "mangle PREROUTING #2 CONTINUE [ctmark 0x32 -> 0x10]",
                "mangle PREROUTING POLICY:ACCEPT"), pre.lines());
        assertEquals(0x10, pre.result().ct().get().ctMark());
        Fixtures.Walked fwd = Fixtures.walk(rs, Hook.FORWARD, "mangle", WEB, ct(0x3c));
        assertEquals(List.of("mangle FORWARD #1 CONTINUE [mark 0x11 -> 0x1c]", "mangle FORWARD POLICY:ACCEPT"), fwd.lines());
        assertEquals(0x1c, fwd.result().packet().mark());
        Fixtures.Walked none = Fixtures.walk(rs, Hook.FORWARD, "mangle", WEB, Optional.empty());
        assertEquals(List.of("mangle FORWARD #1 CONTINUE [ctmark unchanged: no conntrack entry]", "mangle FORWARD POLICY:ACCEPT"),
                none.lines());
    }

    @Test
    void rawTableNotrackZoneAndHelper() {
        CompiledRuleset rs = compile(table("raw", ":PREROUTING ACCEPT [0:0]",
                "-A PREROUTING -p udp -m udp --dport 53 -j CT --notrack",
                "-A PREROUTING -p udp -m conntrack --ctstate UNTRACKED -j ACCEPT",
                "-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp",
                "-A PREROUTING -s 10.0.0.0/8 -j CT --zone 7",
                "-A PREROUTING -p tcp -j NOTRACK"));
        Fixtures.Walked dns = Fixtures.walk(rs, Hook.PREROUTING, "raw", Pkt.udp("10.0.0.2", 5000, "169.254.20.10", 53).build());
        assertEquals(List.of("raw PREROUTING #1 CONTINUE [notrack]", "raw PREROUTING #2 ACCEPT"), dns.lines());
        assertTrue(dns.result().raw().notrack());
        Fixtures.Walked ftp = Fixtures.walk(rs, Hook.PREROUTING, "raw", Pkt.tcp("10.0.0.2", 5000, "10.0.0.9", 21).build());
        assertEquals(List.of("raw PREROUTING #3 CONTINUE [ct helper ftp]", "raw PREROUTING #4 CONTINUE [ct zone 7]",
                "raw PREROUTING #5 CONTINUE [notrack]", "raw PREROUTING POLICY:ACCEPT"), ftp.lines());
        assertEquals(new RawEffects(true, OptionalInt.of(7), Optional.of("--zone"), Optional.of("ftp")), ftp.result().raw());
    }

    @Test
    void anUnsupportedTerminatingTargetIsDecidedByTheOracle() {
        CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]",
                "-A PREROUTING -p tcp -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460"));
        var branches = Branches.enumerate(o -> Fixtures.walk(rs, Hook.PREROUTING, "mangle", WEB, Optional.empty(),
                Fixtures.Facts.of(), o, new RuleState(), false));
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP), branches.stream().map(b -> b.walk().result().verdict()).toList());
        assertTrue(branches.get(0).points().get(0).reason().startsWith("cannot be evaluated offline: target SYNPROXY"),
                branches.get(0).points().get(0).reason());
    }

    @Test
    void ruleHitsCountPacketsAndIpBytesPerRuleAndPolicy() {
        CompiledRuleset rs = compile(table("filter", ":INPUT DROP [0:0]", ":X - [0:0]",
                "-A INPUT -j X", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", "-A X -p udp -j RETURN"));
        RuleHits hits = new RuleHits();
        Pkt big = Pkt.tcp("10.0.0.2", 1, "10.0.0.9", 22);
        big.length = 1500;
        for (Packet p : List.of(big.build(), Pkt.tcp("10.0.0.2", 1, "10.0.0.9", 23).build(), Pkt.udp("10.0.0.2", 1, "10.0.0.9", 53).build())) {
            hits.commit(Fixtures.walk(rs, Hook.INPUT, "filter", p, Optional.empty(), Fixtures.Facts.of(), ChoiceOracle.FIRST,
                    new RuleState(), false).result(), 4);
        }
        List<String> labels = hits.hitRules().stream().map(r -> r.label() + " " + hits.rule(r)).toList();
        assertEquals(List.of("filter INPUT #1 [3:1620]", "filter INPUT #2 [1:1500]", "filter X #1 [1:60]"), labels);
        assertEquals(new Counters(2, 120), hits.policy(4, "filter", "INPUT"));
        assertEquals(Counters.ZERO, hits.policy(6, "filter", "INPUT"));
    }

    @Test
    void ip6tablesRejectDefaultsToPortUnreachableAndNatTargetsBecomeRequests() {
        CompiledRuleset v6 = compile("# Generated by ip6tables-save v1.8.9\n" + table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 23 -j REJECT"));
        TableResult r = Fixtures.walk(v6, Hook.INPUT, "filter", Pkt.tcp("fd00::2", 1, "fd00::1", 23).build()).result();
        assertEquals(TableVerdict.REJECT, r.verdict());
        assertEquals(Optional.of(io.pktpath.parser.iptables.target.RejectWith.ICMP6_PORT_UNREACHABLE), r.rejectWith());
        CompiledRuleset nat = compile(table("nat", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
                "-A PREROUTING -p tcp -m tcp --dport 15001 -j REDIRECT --to-ports 15006",
                "-A PREROUTING -d 198.51.100.0/24 -j NETMAP --to 10.10.0.0/24",
                "-A POSTROUTING -s 10.0.0.0/8 -o eth0 -j SNAT --to-source 192.0.2.1 --random-fully"));
        Packet redirect = Pkt.tcp("10.0.0.2", 1, "10.0.0.9", 15001).build();
        assertEquals("-j REDIRECT --to-ports 15006",
                Fixtures.walk(nat, Hook.PREROUTING, "nat", redirect).result().nat().get().target().render());
        Packet mapped = Pkt.tcp("10.0.0.2", 1, "198.51.100.7", 80).build();
        assertEquals("-j NETMAP --to 10.10.0.0/24",
                Fixtures.walk(nat, Hook.PREROUTING, "nat", mapped).result().nat().get().target().render());
        Fixtures.Walked snat = Fixtures.walk(nat, Hook.POSTROUTING, "nat", WEB.withOutIface("eth0"));
        assertEquals(List.of("nat POSTROUTING #1 ACCEPT"), snat.lines());
        assertEquals("-j SNAT --to-source 192.0.2.1 --random-fully", snat.result().nat().get().target().render());
        assertEquals(Hook.POSTROUTING, snat.result().nat().get().hook());
    }
}
