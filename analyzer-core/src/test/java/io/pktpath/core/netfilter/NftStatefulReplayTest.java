package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ConntrackFacts;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * nft's {@code limit} and {@code quota} in a native chain on crafted packets, with the figures nft_limit.c and
 * nft_quota.c give: a packet limit costs unit/rate and holds cost * burst (burst 5 when none), a byte limit costs
 * unit * length / rate and holds unit * (rate + burst) / rate, the bucket starts full, a packet that finds exactly its
 * cost pays, {@code over} matches when it cannot (and then takes nothing), a quota is over once the bytes consumed with
 * the packet exceed it; one rule's state serves both families of an inet table, and {@code ct count} keeps one list
 * of connections for the rule, whatever their addresses and family.
 */
class NftStatefulReplayTest {
    private static final long SEC = 1_000_000_000L;
    private static final String RULESET = """
            table inet pkp_st {
            	chain input {
            		type filter hook input priority filter; policy accept;
            		icmp type echo-request limit rate 2/second burst 3 packets counter packets 0 bytes 0 accept
            		icmp type echo-request counter packets 0 bytes 0 drop
            		udp dport 5001 limit rate over 10/minute burst 1 packets drop
            		udp dport 5002 quota 500 bytes used 500 bytes accept
            		udp dport 5002 drop
            		udp dport 5003 quota over 300 bytes drop
            		udp dport 5004 limit rate 1 kbytes/second accept
            		udp dport 5004 drop
            		tcp dport 22 limit rate 1/second burst 1 packets accept
            		tcp dport 22 drop
            		meta l4proto { tcp, udp } th dport 53 limit rate 1/second burst 1 packets accept
            		meta l4proto { tcp, udp } th dport 53 drop
            	}
            }
            """;
    private static final NftNativeReplay REPLAY = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", RULESET).value());
    private static final CompiledRuleset V4 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V4));
    private static final CompiledRuleset V6 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V6));
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), new IpSets(new TreeMap<>())));

    private static Packet echo(double seconds) {
        return Pkt.icmp("10.0.0.2", "10.0.0.9", 8, 0).at(nanos(seconds)).build();
    }

    private static Packet udp(int dport, int length, double seconds) {
        Pkt p = Pkt.udp("10.0.0.2", 41000, "10.0.0.9", dport).at(nanos(seconds));
        p.length = length;
        return p.build();
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * SEC);
    }

    /** Walks one committed packet through inet pkp_st input: its verdict, the effects of a rule it matched, its notes. */
    private static String step(RuleState state, Packet p) {
        List<TraceStep> steps = new ArrayList<>();
        CompiledRuleset rules = p.family() == IpFamily.V4 ? V4 : V6;
        TableResult r = rules.walkChain(Hook.INPUT, "inet pkp_st", "input", p, Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, steps, false, new ArrayList<>()));
        state.commit(r.stateUpdates());
        List<String> effects = steps.stream().filter(s -> s instanceof RuleStep).flatMap(s -> ((RuleStep) s).effects()
                .stream()).toList();
        return r.verdict() + (effects.isEmpty() ? "" : " " + effects);
    }

    private static List<String> verdicts(RuleState state, List<Packet> packets) {
        return packets.stream().map(p -> step(state, p).split(" ")[0]).toList();
    }

    @Test
    void theKernelsBucketFiguresForPacketAndByteLimits() {
        assertEquals(Optional.empty(), REPLAY.refusal("inet pkp_st input"), "the chain is replayed");
        assertEquals(Optional.empty(), COUNT.refusal("inet pkp_ct input"), "the chain is replayed");
        // nft_limit_init: cost = nsecs / rate, tokens_max = cost * burst (packets); nsecs * (rate + burst) / rate (bytes)
        NftLimitEvaluator twoPerSecond = new NftLimitEvaluator(new NftLimitMatch(2, 1, 3, false, false, "l"));
        assertEquals(500_000_000L, twoPerSecond.cost(84));
        assertEquals(1_500_000_000L, twoPerSecond.capacity());
        NftLimitEvaluator defaultBurst = new NftLimitEvaluator(new NftLimitMatch(10, 60, 5, false, true, "l"));
        assertEquals(6 * SEC, defaultBurst.cost(60));
        assertEquals(30 * SEC, defaultBurst.capacity());
        NftLimitEvaluator kbytes = new NftLimitEvaluator(new NftLimitMatch(1024, 1, 0, true, false, "l"));
        assertEquals(SEC, kbytes.capacity(), "a byte limit without burst holds one unit's bytes");
        assertEquals(292_968_750L, kbytes.cost(300), "10^9 * 300 / 1024, rounded down");
        NftLimitEvaluator burst = new NftLimitEvaluator(new NftLimitMatch(10_240, 1, 2_048, true, false, "l"));
        assertEquals(1_200_000_000L, burst.capacity(), "10^9 * (10240 + 2048) / 10240");
    }

    @Test
    void aPacketLimitStartsFullPaysAtExactlyItsCostAndRefillsUpToItsBurst() {
        RuleState s = new RuleState();
        assertEquals("ACCEPT [limit rate 2/second burst 3 packets: within the rate, tokens for 2.00 of 3 packets left"
                + " after it]", step(s, echo(0)));
        assertEquals(List.of("ACCEPT", "ACCEPT", "DROP"), verdicts(s, List.of(echo(0), echo(0), echo(0))),
                "a full bucket of 3 packets");
        assertEquals("DROP", step(s, echo(0.499_999_999)), "0.499999999 s of tokens, a packet costs 0.5 s");
        assertEquals("ACCEPT [limit rate 2/second burst 3 packets: within the rate, tokens for 0.00 of 3 packets left"
                + " after it]", step(s, echo(0.5)), "exactly its cost: delta >= 0 pays");
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "DROP"),
                verdicts(s, List.of(echo(10), echo(10), echo(10), echo(10))), "after 9.5 s idle: 3 packets, not 19");
    }

    @Test
    void overMatchesWhenThePacketCannotPayAndThenTakesNothing() {
        RuleState s = new RuleState();
        assertEquals(List.of("ACCEPT", "DROP", "DROP", "ACCEPT", "DROP"), verdicts(s, List.of(udp(5001, 60, 0),
                udp(5001, 60, 1), udp(5001, 60, 5.9), udp(5001, 60, 6), udp(5001, 60, 6))),
                "10/minute burst 1: the first pays 6 s; refused packets leave the tokens, 6 s after the first one pays");
        assertEquals("DROP [limit rate over 10/minute burst 1 packets: over the rate, tokens for 0.00 of 1 packets (it"
                + " needs 1)]", step(s, udp(5001, 60, 6)));
    }

    @Test
    void aByteLimitCostsThePacketsLength() {
        RuleState s = new RuleState();
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "DROP"), verdicts(s, List.of(udp(5004, 300, 0),
                udp(5004, 300, 0), udp(5004, 300, 0), udp(5004, 300, 0))), "1024 bytes: three of 300");
        assertEquals("DROP", step(s, udp(5004, 300, 0.17)), "124 + 174 bytes of tokens");
        assertEquals(List.of("ACCEPT", "DROP"), verdicts(s, List.of(udp(5004, 300, 0.2), udp(5004, 100, 0.2))),
                "329 bytes after 0.2 s: a packet of 300, then one of 100 does not fit in 29");
    }

    @Test
    void aQuotaCountsLengthsAndIsOverOnceTheyExceedIt() {
        RuleState s = new RuleState();
        List<Packet> five = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            five.add(udp(5002, 100, i * 0.1));
        }
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "ACCEPT", "ACCEPT", "DROP"), verdicts(s, five),
                "500 bytes consumed is not over 500 (kernels since the 2025 fix; the recording on 6.18 agrees)");
        List<Packet> over = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            over.add(udp(5003, 100, i * 0.1));
        }
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "DROP", "DROP"), verdicts(s, over));
        RuleState first = new RuleState();
        List<TraceStep> steps = new ArrayList<>();
        TableResult r = V4.walkChain(Hook.INPUT, "inet pkp_st", "input", udp(5002, 100, 0), Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, first, steps, false, new ArrayList<>()));
        assertEquals(List.of("nft quota of inet pkp_st input #4 assumed unused at capture start (the listing, taken"
                + " after the traffic, says used 500 bytes)"), r.notes());
        assertEquals(List.of("quota 500 bytes used 500 bytes: 100 of 500 bytes consumed with this packet's 100 (within"
                + " the quota)"), ((RuleStep) steps.get(steps.size() - 1)).effects());
    }

    @Test
    void theRulesOfOneSetsElementsShareItsOneBucket() {
        RuleState s = new RuleState();
        assertEquals(List.of("ACCEPT", "DROP", "ACCEPT"), verdicts(s, List.of(
                Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", 53).at(0).build(),
                Pkt.udp("10.0.0.2", 40000, "10.0.0.9", 53).at(SEC / 2).build(),
                Pkt.udp("10.0.0.2", 40000, "10.0.0.9", 53).at(SEC).build())),
                "meta l4proto { tcp, udp } is one rule per protocol, with the nft rule's one limit");
    }

    @Test
    void anInetRulesBucketServesBothFamilies() {
        RuleState s = new RuleState();
        assertEquals("ACCEPT", step(s, Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", 22).at(0).build()).split(" ")[0]);
        assertEquals("DROP", step(s, Pkt.tcp("fd00::2", 40000, "fd00::9", 22).at(SEC / 2).build()),
                "the IPv4 SYN took the only token");
        assertEquals("ACCEPT", step(s, Pkt.tcp("fd00::2", 40000, "fd00::9", 22).at(SEC).build()).split(" ")[0]);
    }

    @Test
    void ctCountIsOneListOfTheRuleForEveryAddressAndBothFamilies() {
        CompiledRuleset v4 = CompiledRuleset.compile(COUNT.ruleset(IpFamily.V4));
        CompiledRuleset v6 = CompiledRuleset.compile(COUNT.ruleset(IpFamily.V6));
        Map<Tuple, ConntrackFacts.Presence> held = new HashMap<>();
        ConntrackFacts table = (tuple, icmpType, zone, nanos) -> held.getOrDefault(tuple, ConntrackFacts.Presence.ABSENT);
        RuleState state = new RuleState();
        List<String> out = new ArrayList<>();
        Packet[] syns = {Pkt.tcp("10.0.0.1", 1001, "10.0.0.9", 9090).at(0).build(),
            Pkt.tcp("fd00::2", 1002, "fd00::9", 9090).at(SEC).build(),
            Pkt.tcp("10.0.0.3", 1003, "10.0.0.9", 9090).at(2 * SEC).build(),
            Pkt.tcp("10.0.0.4", 1004, "10.0.0.9", 9090).at(3 * SEC).build(),
            Pkt.tcp("10.0.0.5", 1005, "10.0.0.9", 9090).at(4 * SEC).build()};
        for (int i = 0; i < syns.length; i++) {
            if (i == 4) {
                held.put(syns[0].tuple(), ConntrackFacts.Presence.CLOSED);
            }
            Packet p = syns[i];
            List<TraceStep> steps = new ArrayList<>();
            CtInfo ct = new CtInfo(CtState.NEW, false, 0, Set.of(), p.tuple(), Optional.of(p.tuple().inverse()), 0, 0, 0);
            TableResult r = (p.family() == IpFamily.V4 ? v4 : v6).walkChain(Hook.INPUT, "inet pkp_ct", "input", p,
                    Optional.of(ct), new WalkContext(FACTS, table, ChoiceOracle.FIRST, state, steps, false,
                            new ArrayList<>()));
            state.commit(r.stateUpdates());
            if (r.verdict() == TableVerdict.ACCEPT) {
                held.put(p.tuple(), ConntrackFacts.Presence.OPEN);
            }
            List<String> effects = steps.stream().filter(s -> s instanceof RuleStep).flatMap(s -> ((RuleStep) s)
                    .effects().stream()).toList();
            out.add(r.verdict() + (effects.isEmpty() ? "" : " " + effects));
        }
        assertEquals(List.of("ACCEPT", "ACCEPT",
                "DROP [ct count over 2: 3 connections counted by the rule (over 2)]",
                "DROP [ct count over 2: 3 connections counted by the rule (over 2)]",
                "ACCEPT"), out, "an IPv6 connection and other sources count in the one list; a dropped connection"
                + " is never confirmed and leaves the list at the next count, a closed one too");
    }

    @Test
    void aLimitBeforeAConditionSpendsItsTokensAlsoOnThePacketsTheConditionTurnsAway() {
        NftNativeReplay after = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", """
                table inet pkp_st {
                	chain input {
                		type filter hook input priority filter; policy accept;
                		meta l4proto udp limit rate 1/minute burst 2 packets udp dport 5020 accept
                		udp dport 5020-5021 drop
                	}
                }
                """).value());
        assertEquals(Optional.empty(), after.refusal("inet pkp_st input"));
        CompiledRuleset v4 = CompiledRuleset.compile(after.ruleset(IpFamily.V4));
        RuleState state = new RuleState();
        List<String> out = new ArrayList<>();
        for (Packet p : List.of(udp(5021, 60, 0), udp(5021, 60, 0.1), udp(5020, 60, 0.2))) {
            TableResult r = v4.walkChain(Hook.INPUT, "inet pkp_st", "input", p, Optional.empty(),
                    new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), false, new ArrayList<>()));
            state.commit(r.stateUpdates());
            out.add(r.verdict().toString());
        }
        assertEquals(List.of("DROP", "DROP", "DROP"), out, "the two datagrams to 5021 paid the bucket's two packets"
                + " before their port turned them away: none is left for 5020");
    }

    private static final NftNativeReplay COUNT = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", """
            table inet pkp_ct {
            	chain input {
            		type filter hook input priority filter; policy accept;
            		tcp dport 9090 ct count over 2 drop
            	}
            }
            """).value());
}

