package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * One dynamic set filled by several statements, as the kernel did it in bundles/nft-meter-shared (nft_dynset): one
 * element per source whichever statement finds it, created with the expression of the statement that created it (a
 * limit, a quota, or none), which every statement then evaluates instead of its own; and a set of size 1 whose expired
 * element holds its place until the garbage collection.
 */
class NftSharedSetReplayTest {
    private static final long SEC = 1_000_000_000L;
    private static final NftNativeReplay REPLAY = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", """
            table inet pkp_sh {
            	set flood {
            		type ipv4_addr
            		size 65535
            		flags dynamic,timeout
            		timeout 1m
            	}
            	set tiny {
            		type ipv4_addr
            		size 1
            		flags dynamic,timeout
            		timeout 1s
            		gc-interval 30s
            	}
            	chain input {
            		type filter hook input priority filter; policy accept;
            		udp dport 6001 update @flood { ip saddr limit rate over 1/minute burst 2 packets } drop
            		udp dport 6002 jump other
            		udp dport 6003 add @flood { ip saddr } drop
            		udp dport 6004 ip saddr @flood accept
            		udp dport 6004 drop
            		udp dport 6010 add @tiny { ip saddr limit rate 10/second } accept
            		udp dport 6010 drop
            	}
            	chain other {
            		udp dport 6002 add @flood { ip saddr quota over 500 bytes } drop
            	}
            }
            """).value());
    private static final CompiledRuleset V4 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V4));
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), sets()));

    private static IpSets sets() {
        TreeMap<String, io.pktpath.parser.ipset.IpSet> m = new TreeMap<>();
        REPLAY.ipsets().forEach(s -> m.put(s.name(), s));
        return new IpSets(m);
    }

    private static Packet udp(String src, int dport, double seconds) {
        Pkt p = Pkt.udp(src, 41000, "10.0.0.9", dport).at(Math.round(seconds * SEC));
        p.length = 100;
        return p.build();
    }

    /** Walks one committed packet through inet pkp_sh input: its verdict, then the effects of the rule it matched. */
    private static String step(RuleState state, Packet p, List<String> notes) {
        List<TraceStep> steps = new ArrayList<>();
        TableResult r = V4.walkChain(Hook.INPUT, "inet pkp_sh", "input", p, Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, steps, false, new ArrayList<>()));
        state.commit(r.stateUpdates());
        notes.addAll(r.notes());
        List<String> effects = steps.stream().filter(s -> s instanceof RuleStep).flatMap(s -> ((RuleStep) s).effects()
                .stream()).toList();
        return r.verdict() + (effects.isEmpty() ? "" : " " + effects);
    }

    private static String verdict(RuleState state, Packet p) {
        return step(state, p, new ArrayList<>()).split(" ")[0];
    }

    private static List<String> verdicts(RuleState state, String src, int dport, double... times) {
        List<String> out = new ArrayList<>();
        for (double t : times) {
            out.add(verdict(state, udp(src, dport, t)));
        }
        return out;
    }

    @Test
    void anElementKeepsTheExpressionOfTheStatementThatCreatedItInEveryRule() {
        assertEquals(Optional.empty(), REPLAY.refusal("inet pkp_sh input"), "the chain is replayed");
        assertEquals(Optional.empty(), REPLAY.refusal("inet pkp_sh other"));
        RuleState state = new RuleState();
        // A's element is created by 6001 with its limit (burst 2); 6002's add finds it and evaluates that limit, empty
        assertEquals(List.of("ACCEPT", "ACCEPT"), verdicts(state, "10.0.0.1", 6001, 0, 0.2));
        assertEquals("DROP [limit rate over 1/minute burst 2 packets: over the rate, tokens for 0.01 of 2 packets (it"
                + " needs 1), @flood: the element 10.0.0.1 (created by inet pkp_sh input #1 ('update @flood { ip saddr"
                + " limit rate over 1/minute burst 2 packets }') with its limit), expires 59.80 s after this packet]",
                step(state, udp("10.0.0.1", 6002, 0.4), new ArrayList<>()));
        // B's element is created by 6002 with its quota over 500 bytes: 6001 evaluates the quota, not its burst of 2
        assertEquals(List.of("ACCEPT"), verdicts(state, "10.0.0.2", 6002, 1.0));
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "ACCEPT", "DROP"),
                verdicts(state, "10.0.0.2", 6001, 1.2, 1.4, 1.6, 1.8, 2.0));
        // C's element is created by 6003 without an expression: every statement then goes on to its drop
        assertEquals(List.of("DROP"), verdicts(state, "10.0.0.3", 6003, 2.5));
        assertEquals("DROP [@flood: the element 10.0.0.3 (created by inet pkp_sh input #3 ('add @flood { ip saddr }')"
                + " without an expression) (timeout refreshed), which has no expression: the statement goes on, expires"
                + " 60 s after this packet]", step(state, udp("10.0.0.3", 6001, 2.7), new ArrayList<>()));
        assertEquals(List.of("DROP"), verdicts(state, "10.0.0.3", 6002, 2.9));
        // D's element is created by 6001 (burst 2, one left); 6003's add without expression evaluates that limit
        assertEquals(List.of("ACCEPT"), verdicts(state, "10.0.0.4", 6001, 3.2));
        List<RuleMiss> misses = new ArrayList<>();
        TableResult let = V4.walkChain(Hook.INPUT, "inet pkp_sh", "input", udp("10.0.0.4", 6003, 3.4),
                Optional.empty(), new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), true, misses));
        assertEquals(TableVerdict.ACCEPT, let.verdict());
        assertTrue(misses.stream().anyMatch(m -> m.failedMatch().equals("add @flood { ip saddr }")
                && m.packetValue().startsWith("the element 10.0.0.4 of @flood (created by inet pkp_sh input #1 ('update"
                + " @flood { ip saddr limit rate over 1/minute burst 2 packets }') with its limit): limit rate over"
                + " 1/minute burst 2 packets: within the rate")), misses.toString());
        state.commit(let.stateUpdates());
        assertEquals(List.of("DROP"), verdicts(state, "10.0.0.4", 6003, 3.6));
        // one store: a look-up of the set sees the elements every statement created
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT", "ACCEPT", "DROP"), List.of(verdict(state,
                udp("10.0.0.1", 6004, 4)), verdict(state, udp("10.0.0.2", 6004, 4)), verdict(state,
                udp("10.0.0.3", 6004, 4)), verdict(state, udp("10.0.0.4", 6004, 4)), verdict(state,
                udp("10.0.0.5", 6004, 4))));
    }

    @Test
    void anExpiredElementHoldsItsPlaceUntilTheGarbageCollectionAndANoteSaysSo() {
        RuleState state = new RuleState();
        assertEquals(List.of("ACCEPT"), verdicts(state, "10.0.0.1", 6010, 4.0));
        assertEquals(List.of("DROP"), verdicts(state, "10.0.0.2", 6010, 4.5), "full: A's element is live");
        List<String> notes = new ArrayList<>();
        assertEquals("DROP", step(state, udp("10.0.0.2", 6010, 5.5), notes).split(" ")[0]);
        assertEquals(List.of("@tiny holds 0 live element(s) of its size 1 and 1 expired less than its gc-interval (30 s)"
                + " ago, which the kernel counts until its garbage collection (at its first pass after the expiry, at a"
                + " time the capture does not show): taken as not collected yet (expired less than half the interval"
                + " ago), so no element for 10.0.0.2 is created and the statement ends the rule; had the collection run,"
                + " the element would have been created"), notes);
        List<RuleMiss> misses = new ArrayList<>();
        V4.walkChain(Hook.INPUT, "inet pkp_sh", "input", udp("10.0.0.1", 6010, 6.5), Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), true, misses));
        assertTrue(misses.stream().anyMatch(m -> m.packetValue().equals("@tiny is full (its size 1 reached, counting 1"
                + " expired element(s) taken as not collected yet): no element for 10.0.0.1 can be created, so the"
                + " statement ends the rule")), "A's own expired element too: " + misses);
        assertEquals(List.of("DROP", "DROP"), verdicts(state, "10.0.0.1", 6010, 6.5, 8.0));
        // more than a gc-interval after the expiry the collection has run: no note
        List<String> late = new ArrayList<>();
        assertEquals("ACCEPT", step(state, udp("10.0.0.2", 6010, 35.1), late).split(" ")[0]);
        assertTrue(late.stream().noneMatch(n -> n.contains("gc-interval")), late.toString());
        // between half an interval and one after the expiry: taken as collected, with a note
        RuleState other = new RuleState();
        verdicts(other, "10.0.0.1", 6010, 0);
        List<String> mid = new ArrayList<>();
        assertEquals("ACCEPT", step(other, udp("10.0.0.2", 6010, 17), mid).split(" ")[0]);
        assertTrue(mid.stream().anyMatch(n -> n.contains("taken as collected (expired more than half the interval"
                + " ago), so the element 10.0.0.2 is created")), mid.toString());
    }
}
