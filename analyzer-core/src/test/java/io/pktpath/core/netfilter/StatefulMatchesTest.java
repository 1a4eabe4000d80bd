package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** nth, limit, hashlimit and recent: state read during the walk, changed only by commit. */
class StatefulMatchesTest {
    private static final long SEC = 1_000_000_000L;

    /** Walks each packet in turn, committing its updates, and returns the verdicts. */
    private static List<TableVerdict> run(CompiledRuleset rs, RuleState state, List<Packet> packets, List<List<String>> notes) {
        List<TableVerdict> out = new ArrayList<>();
        for (Packet p : packets) {
            Fixtures.Walked w = Fixtures.walk(rs, Hook.INPUT, "filter", p, Optional.empty(), Fixtures.Facts.of(),
                    ChoiceOracle.FIRST, state, false);
            out.add(w.result().verdict());
            notes.add(w.result().notes());
            state.commit(w.result().stateUpdates());
        }
        return out;
    }

    private static Packet from(String src, long nanos) {
        return Pkt.tcp(src, 40000, "10.0.0.9", 22).at(nanos).build();
    }

    @Test
    void nthMatchesEvaluationsOneFourAndSevenAndCountsOnlyPacketsThatReachIt() {
        // semantics §4.3 [lab]: --every 3 --packet 0 matched the 1st, 4th and 7th evaluation
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -s 10.9.0.0/16 -j ACCEPT",
                "-A INPUT -m statistic --mode nth --every 3 --packet 0 -j DROP"));
        RuleState state = new RuleState();
        List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            packets.add(from("10.0.0.2", i));
            packets.add(from("10.9.0.1", i));
        }
        List<List<String>> notes = new ArrayList<>();
        List<TableVerdict> v = run(rs, state, packets, notes);
        List<TableVerdict> toRule = new ArrayList<>();
        for (int i = 0; i < v.size(); i += 2) {
            toRule.add(v.get(i));
            assertEquals(TableVerdict.ACCEPT, v.get(i + 1));
        }
        assertEquals(List.of(TableVerdict.DROP, TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP,
                TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP), toRule);
        assertEquals(List.of("nth counter of filter INPUT #2 unknown at capture start: assumed 0"), notes.get(0));
        assertEquals(List.of(), notes.get(2));
        Fixtures.Walked eighth = Fixtures.walk(rs, Hook.INPUT, "filter", packets.get(0), Optional.empty(),
                Fixtures.Facts.of(), ChoiceOracle.FIRST, state, true);
        assertEquals(List.of("filter INPUT #1: -s 10.9.0.0/16 | src 10.0.0.2",
                "filter INPUT #2: -m statistic --mode nth --every 3 --packet 0 | evaluation #7 (7 % 3 = 1)"), eighth.missLines());
        assertEquals(7, state.nthCounter(eighth.misses().get(1).rule()).getAsLong());
    }

    @Test
    void withoutCommitAWalkChangesNoState() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m statistic --mode nth --every 2 --packet 0 -j DROP"));
        RuleState state = new RuleState();
        for (int i = 0; i < 3; i++) {
            Fixtures.Walked w = Fixtures.walk(rs, Hook.INPUT, "filter", from("10.0.0.2", 0), Optional.empty(),
                    Fixtures.Facts.of(), ChoiceOracle.FIRST, state, false);
            assertEquals(TableVerdict.DROP, w.result().verdict());
            assertEquals(1, w.result().stateUpdates().size());
        }
    }

    @Test
    void limitIsATokenBucketOverPacketTimesStartingFull() {
        CompiledRuleset rs = compile(table("filter", ":INPUT DROP [0:0]",
                "-A INPUT -m limit --limit 2/sec --limit-burst 2 -j ACCEPT"));
        List<List<String>> notes = new ArrayList<>();
        List<TableVerdict> v = run(rs, new RuleState(), List.of(from("10.0.0.2", 0), from("10.0.0.3", 0),
                from("10.0.0.4", 0), from("10.0.0.2", SEC / 2), from("10.0.0.2", SEC * 6 / 10), from("10.0.0.2", 5 * SEC),
                from("10.0.0.2", 5 * SEC), from("10.0.0.2", 5 * SEC)), notes);
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT,
                TableVerdict.DROP, TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP), v);
        assertEquals(List.of("limit bucket of filter INPUT #1 assumed full at capture start"), notes.get(0));
        assertEquals(List.of(), notes.get(1));
    }

    @Test
    void hashlimitKeepsOneBucketPerSourceAndAboveInverts() {
        CompiledRuleset rs = compile(table("filter", ":INPUT DROP [0:0]",
                "-A INPUT -m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 1 --hashlimit-mode srcip"
                        + " --hashlimit-name h -j ACCEPT"));
        List<List<String>> notes = new ArrayList<>();
        List<TableVerdict> v = run(rs, new RuleState(), List.of(from("10.0.0.2", 0), from("10.0.0.3", 0),
                from("10.0.0.2", SEC / 10), from("10.0.0.2", SEC + SEC / 10)), notes);
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT), v);
        assertEquals(List.of("hashlimit bucket h of filter INPUT #1 for src 10.0.0.3 assumed full at capture start"),
                notes.get(1));
        assertEquals(List.of(), notes.get(2));
        CompiledRuleset above = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m hashlimit --hashlimit-above 1/sec --hashlimit-burst 1 --hashlimit-mode srcip"
                        + " --hashlimit-name h2 -j DROP"));
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP),
                run(above, new RuleState(), List.of(from("10.0.0.2", 0), from("10.0.0.2", 0)), new ArrayList<>()));
    }

    @Test
    void hashlimitBucketsLiveForTheRatesUnitUnlessTheRuleSaysOtherwise() {
        // recorded (bundles/rate-limits): 1/min burst 1, a second SYN 15.5 s after the first is still dropped; iptables
        // sets htable-expire to the rate's unit (60 s here) when the rule does not give it
        CompiledRuleset perMinute = compile(table("filter", ":INPUT DROP [0:0]",
                "-A INPUT -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 --hashlimit-mode srcip"
                        + " --hashlimit-name slow -j ACCEPT"));
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.DROP, TableVerdict.ACCEPT),
                run(perMinute, new RuleState(), List.of(from("10.0.0.2", 0), from("10.0.0.2", SEC * 31 / 2),
                        from("10.0.0.2", 45 * SEC), from("10.0.0.2", 106 * SEC)), new ArrayList<>()));
        CompiledRuleset shortLived = compile(table("filter", ":INPUT DROP [0:0]",
                "-A INPUT -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 --hashlimit-mode srcip"
                        + " --hashlimit-name quick --hashlimit-htable-expire 5000 -j ACCEPT"));
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                run(shortLived, new RuleState(), List.of(from("10.0.0.2", 0), from("10.0.0.2", 4 * SEC),
                        from("10.0.0.2", 10 * SEC)), new ArrayList<>()));
    }

    @Test
    void recentSetThenRcheckWithSecondsAndHitcount() {
        // the classic ssh brute-force guard: the 4th new connection within 60 s is dropped
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 60 --hitcount 3 --name ssh --rsource -j DROP",
                "-A INPUT -p tcp -m tcp --dport 22 -m recent --set --name ssh --rsource"));
        RuleState state = new RuleState();
        List<List<String>> notes = new ArrayList<>();
        List<TableVerdict> v = run(rs, state, List.of(from("10.0.0.2", 0), from("10.0.0.2", SEC), from("10.0.0.2", 2 * SEC),
                from("10.0.0.2", 3 * SEC), from("10.0.0.3", 3 * SEC), from("10.0.0.2", 100 * SEC)), notes);
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.ACCEPT, TableVerdict.DROP,
                TableVerdict.ACCEPT, TableVerdict.ACCEPT), v);
        assertEquals(List.of("recent list ssh: no earlier hit of 10.0.0.2 in this replay (list contents at capture start unknown)"),
                notes.get(0));
        assertEquals(List.of(0L, SEC, 2 * SEC, 100 * SEC), state.recentEntry("ssh", Pkt.ip("10.0.0.2")).get().stamps());
    }

    @Test
    void recentUpdateRecordsOnlyWhenItMatchesAndRemoveForgets() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 10 --name u --rsource -j DROP",
                "-A INPUT -p tcp -m tcp --dport 23 -m recent --remove --name u --rsource -j ACCEPT",
                "-A INPUT -p tcp -m tcp --dport 22 -m recent --set --name u --rsource"));
        RuleState state = new RuleState();
        Packet telnet = Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", 23).at(6 * SEC).build();
        List<TableVerdict> v = run(rs, state, List.of(from("10.0.0.2", 0), from("10.0.0.2", 5 * SEC), telnet,
                from("10.0.0.2", 7 * SEC)), new ArrayList<>());
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT, TableVerdict.ACCEPT), v);
        assertEquals(List.of(7 * SEC), state.recentEntry("u", Pkt.ip("10.0.0.2")).get().stamps());
    }

    @Test
    void recentByDestinationWithAMask() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m recent --rcheck --name d --mask 255.255.255.0 --rdest -j DROP",
                "-A INPUT -m recent --set --name d --mask 255.255.255.0 --rdest"));
        RuleState state = new RuleState();
        Packet first = Pkt.tcp("10.0.0.2", 1, "10.0.5.9", 80).build();
        Packet sameSubnet = Pkt.tcp("10.0.0.3", 1, "10.0.5.200", 80).at(SEC).build();
        Packet other = Pkt.tcp("10.0.0.2", 1, "10.0.6.1", 80).at(SEC).build();
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                run(rs, state, List.of(first, sameSubnet, other), new ArrayList<>()));
        assertEquals(List.of(0L), state.recentEntry("d", Pkt.ip("10.0.5.0")).get().stamps());
    }

    private static io.pktpath.parser.iptables.model.Ruleset parse6(String text) {
        io.pktpath.parser.diag.Parsed<io.pktpath.parser.iptables.model.Ruleset> parsed =
                io.pktpath.parser.iptables.IptablesSaveParser.parse("test6.rules", text, io.pktpath.parser.net.IpFamily.V6);
        assertEquals(List.of(), parsed.errors(), "the IPv6 test dump parses without errors");
        return parsed.value();
    }

    private static CompiledRuleset compile6(String text) {
        return CompiledRuleset.compile(parse6(text));
    }

    @Test
    void recentKeysAnIpv6ListOnTheWholeSourceAddressAsIp6tablesSavePrintsItsMask() {
        // kube-proxy's affinity rules as ip6tables-save prints them (samples/bundles/clusterip-affinity-dualstack)
        CompiledRuleset rs = compile6(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask "
                        + "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource -j DROP",
                "-A INPUT -p tcp -m recent --set --name KUBE-SEP-A --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource"));
        RuleState state = new RuleState();
        Packet first = Pkt.tcp("fd00:10:244:1::2", 40000, "fd00:96::40", 80).build();
        Packet again = Pkt.tcp("fd00:10:244:1::2", 40001, "fd00:96::40", 80).at(SEC).build();
        Packet neighbour = Pkt.tcp("fd00:10:244:1::6", 40000, "fd00:96::40", 80).at(2 * SEC).build();
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                run(rs, state, List.of(first, again, neighbour), new ArrayList<>()));
        assertEquals(List.of(0L), state.recentEntry("KUBE-SEP-A", Pkt.ip("fd00:10:244:1::2")).get().stamps());
        assertEquals(List.of(2 * SEC), state.recentEntry("KUBE-SEP-A", Pkt.ip("fd00:10:244:1::6")).get().stamps());
    }

    @Test
    void recentWithAnIpv6PrefixMaskKeysTheMaskedSource() {
        CompiledRuleset rs = compile6(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m recent --rcheck --name n64 --mask ffff:ffff:ffff:ffff:: --rsource -j DROP",
                "-A INPUT -m recent --set --name n64 --mask ffff:ffff:ffff:ffff:: --rsource"));
        RuleState state = new RuleState();
        Packet first = Pkt.tcp("fd00:1:2:3::9", 1, "fd00::1", 80).build();
        Packet sameNet = Pkt.tcp("fd00:1:2:3:aaaa::1", 1, "fd00::1", 80).at(SEC).build();
        Packet otherNet = Pkt.tcp("fd00:1:2:4::9", 1, "fd00::1", 80).at(SEC).build();
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP, TableVerdict.ACCEPT),
                run(rs, state, List.of(first, sameNet, otherNet), new ArrayList<>()));
        assertEquals(List.of(0L), state.recentEntry("n64", Pkt.ip("fd00:1:2:3::")).get().stamps());
        assertEquals(List.of(SEC), state.recentEntry("n64", Pkt.ip("fd00:1:2:4::")).get().stamps());
    }

    @Test
    void aListNameBothFamiliesUseIsOneListWhoseEntriesMatchOnlyTheirOwnFamily() {
        // the kernel (xt_recent-shared-name.txt of clusterip-affinity-dualstack): one /proc/net/xt_recent file for an
        // iptables and an ip6tables rule with the same --name, holding both families' addresses; an entry matches only
        // a packet of its family, and the IPv4-mapped form of an IPv4 address is another address
        CompiledRuleset v4 = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m recent --rcheck --name shared --rsource -j DROP",
                "-A INPUT -m recent --set --name shared --rsource"));
        CompiledRuleset v6 = compile6(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m recent --rcheck --name shared --rsource -j DROP",
                "-A INPUT -m recent --set --name shared --rsource"));
        RuleState state = new RuleState();
        assertEquals(List.of(TableVerdict.ACCEPT), run(v4, state, List.of(from("10.0.0.2", 0)), new ArrayList<>()));
        Packet mapped = Pkt.tcp("::ffff:10.0.0.2", 1, "fd00::1", 22).at(SEC).build();
        Packet mappedAgain = Pkt.tcp("::ffff:10.0.0.2", 2, "fd00::1", 22).at(2 * SEC).build();
        assertEquals(List.of(TableVerdict.ACCEPT, TableVerdict.DROP), run(v6, state, List.of(mapped, mappedAgain),
                new ArrayList<>()));
        assertEquals(List.of(TableVerdict.DROP), run(v4, state, List.of(from("10.0.0.2", 3 * SEC)), new ArrayList<>()));
        assertEquals(List.of(0L), state.recentEntry("shared", Pkt.ip("10.0.0.2")).get().stamps());
        assertEquals(List.of(SEC), state.recentEntry("shared", Pkt.ip("::ffff:10.0.0.2")).get().stamps());
        // checks/xt-recent-lru.sh: an IPv4 entry 127.0.0.1 does not match an IPv6 packet to 7f00:1:: (the same 16 bytes
        // in the kernel's nf_inet_addr)
        run(v4, state, List.of(from("127.0.0.1", 4 * SEC)), new ArrayList<>());
        assertEquals(List.of(TableVerdict.ACCEPT), run(v6, state,
                List.of(Pkt.tcp("7f00:1::", 1, "fd00::1", 22).at(5 * SEC).build()), new ArrayList<>()));
    }

    @Test
    void reapDropsTheListsLeastRecentlyHitAddressOfEitherFamilyAndKeepsTheOldHitsOfTheCheckedOne() {
        // the kernel (samples/recorder/checks/xt-recent-lru.sh): in a list both families name, fd00::1 hit at 0 s and
        // 127.0.0.1 hit at 0 s and 2 s; an IPv4 packet's --rcheck --seconds 1 --reap drops fd00::1 (its last hit is
        // over 1 s old), and 127.0.0.1 keeps both its hits
        String v4 = table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 1 --reap --name L --rsource -j DROP",
                "-A INPUT -p tcp -m tcp --dport 23 -m recent --set --name L --rsource");
        String v6 = table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -p tcp -m tcp --dport 23 -m recent --set --name L --rsource");
        RuleState state = new RuleState(RecentLimits.of(Optional.of(Fixtures.parse(v4)), Optional.of(parse6(v6))));
        run(compile6(v6), state, List.of(Pkt.tcp("fd00::1", 1, "fd00::9", 23).build()), new ArrayList<>());
        run(compile(v4), state, List.of(Pkt.tcp("10.0.0.2", 1, "10.0.0.9", 23).build(),
                Pkt.tcp("10.0.0.2", 2, "10.0.0.9", 23).at(2 * SEC).build()), new ArrayList<>());
        Fixtures.Walked w = Fixtures.walk(compile(v4), Hook.INPUT, "filter",
                Pkt.tcp("10.0.0.2", 3, "10.0.0.9", 22).at(2 * SEC + SEC / 2).build(), Optional.empty(), Fixtures.Facts.of(),
                ChoiceOracle.FIRST, state, false);
        assertEquals(TableVerdict.DROP, w.result().verdict());
        state.commit(w.result().stateUpdates());
        assertEquals(Optional.empty(), state.recentEntry("L", Pkt.ip("fd00::1")));
        assertEquals(List.of(0L, 2 * SEC), state.recentEntry("L", Pkt.ip("10.0.0.2")).get().stamps());
    }

    @Test
    void aFullListDropsItsLeastRecentlyHitAddressForANewOne() {
        // the kernel: 100 IPv4 addresses, then fd00::9: the list still holds 100, fd00::9 among them
        CompiledRuleset v4 = compile(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m recent --set --name C --rsource"));
        CompiledRuleset v6 = compile6(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m recent --set --name C --rsource"));
        RuleState state = new RuleState();
        List<Packet> hundred = new ArrayList<>();
        for (int i = 1; i <= RecentLimits.ADDRESSES_PER_LIST; i++) {
            hundred.add(from("10.0.1." + i, i));
        }
        run(v4, state, hundred, new ArrayList<>());
        run(v4, state, List.of(from("10.0.1.1", 500)), new ArrayList<>());
        run(v6, state, List.of(Pkt.tcp("fd00::9", 1, "fd00::1", 22).at(600).build()), new ArrayList<>());
        assertEquals(RecentLimits.ADDRESSES_PER_LIST, state.recentList("C").size());
        assertEquals(Optional.empty(), state.recentEntry("C", Pkt.ip("10.0.1.2")), "the least recently hit went");
        assertEquals(List.of(1L, 500L), state.recentEntry("C", Pkt.ip("10.0.1.1")).get().stamps());
        assertEquals(List.of(600L), state.recentEntry("C", Pkt.ip("fd00::9")).get().stamps());
    }

    @Test
    void anAddressKeepsAsManyHitsAsTheListsRulesOfBothFamiliesNeed() {
        // the kernel (ip_pkt_list_tot=0): 32 hits without --hitcount, 4 for a list whose only rule has --hitcount 3,
        // 64 once a --hitcount 40 rule names it, 16 for the --hitcount 3 list once an ip6tables --hitcount 10 rule does
        assertEquals(List.of(32, 4, 64, 16, 1, 256), List.of(RecentLimits.stamps(0), RecentLimits.stamps(3),
                RecentLimits.stamps(40), RecentLimits.stamps(10), RecentLimits.stamps(1), RecentLimits.stamps(255)));
        String v4 = table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m recent --rcheck --hitcount 3 --name H --rsource",
                "-A INPUT -m recent --rcheck --name S --rsource", "-A INPUT -m recent --rcheck --hitcount 40 --name S --rsource");
        String v6 = table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m recent --rcheck --hitcount 10 --name H --rsource");
        assertEquals(java.util.Map.of("H", 16, "S", 64),
                RecentLimits.of(Optional.of(Fixtures.parse(v4)), Optional.of(parse6(v6))).stampsPerAddress());
        CompiledRuleset set = compile(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m recent --set --name S --rsource"));
        RuleState state = new RuleState(RecentLimits.of(Optional.of(Fixtures.parse(v4)), Optional.empty()));
        RuleState unknown = new RuleState();
        List<Packet> seventy = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            seventy.add(from("10.0.0.2", i));
        }
        run(set, state, seventy, new ArrayList<>());
        run(set, unknown, seventy, new ArrayList<>());
        assertEquals(64, state.recentEntry("S", Pkt.ip("10.0.0.2")).get().stamps().size());
        assertEquals(32, unknown.recentEntry("S", Pkt.ip("10.0.0.2")).get().stamps().size());
        assertEquals(69L, state.recentEntry("S", Pkt.ip("10.0.0.2")).get().stamps().get(63));
    }
}
