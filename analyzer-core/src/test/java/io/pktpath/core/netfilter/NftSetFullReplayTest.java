package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A plain {@code add} or {@code update} (no stateful expression) on a dynamic set with a {@code size}, as
 * checks/nft-set-full.sh saw the kernel do it on {@code set s { size 2; timeout 30s }}: the first two sources are added
 * and the rule accepts and counts them; once the set is full a new source's insert fails and the rule ends there (its
 * counter and its verdict not taken), so the next rule drops it; an element already in the full set still matches
 * {@code update}, a new one's {@code update} fails like the add; a set without a {@code size} is not bounded.
 */
class NftSetFullReplayTest {
    private static final long SEC = 1_000_000_000L;
    private static final NftNativeReplay REPLAY = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", """
            table inet pkp_fs {
            	set s {
            		type ipv4_addr
            		size 2
            		flags dynamic,timeout
            		timeout 30s
            	}

            	set open {
            		type ipv4_addr
            		flags dynamic,timeout
            		timeout 30s
            	}

            	chain input {
            		type filter hook input priority filter; policy accept;
            		udp dport 7001 add @s { ip saddr } counter packets 4 bytes 116 accept
            		udp dport 7001 counter packets 4 bytes 116 drop
            		udp dport 7002 update @s { ip saddr } counter packets 1 bytes 29 accept
            		udp dport 7002 counter packets 1 bytes 29 drop
            		udp dport 7003 add @open { ip saddr } counter packets 0 bytes 0 accept
            		udp dport 7003 counter packets 0 bytes 0 drop
            	}
            }
            """).value());
    private static final CompiledRuleset V4 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V4));
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), io.pktpath.parser.sysctl.Sysctls.empty(), sets()));

    private static IpSets sets() {
        TreeMap<String, io.pktpath.parser.ipset.IpSet> m = new TreeMap<>();
        REPLAY.ipsets().forEach(s -> m.put(s.name(), s));
        return new IpSets(m);
    }

    private static Packet udp(String src, int dport, double seconds) {
        return Pkt.udp(src, 45000, "10.51.0.1", dport).at(Math.round(seconds * SEC)).build();
    }

    /** A committed packet's walk: its verdict and deciding rule's position, and the rules it counted. */
    private record Walk(String outcome, List<Integer> counted, List<String> notes) {
    }

    private static Walk walk(RuleState state, Packet p) {
        TableResult r = V4.walkChain(Hook.INPUT, "inet pkp_fs", "input", p, Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), false, new ArrayList<>()));
        state.commit(r.stateUpdates());
        return new Walk(r.verdict() + " #" + r.decidingRule().map(RuleRef::position).orElse(0),
                r.hits().stream().map(RuleRef::position).toList(), r.notes());
    }

    @Test
    void theKernelsRecordingAddsTwoSourcesAndEndsTheRuleForTheOthers() {
        RuleState state = new RuleState();
        List<String> outcomes = new ArrayList<>();
        double t = 0;
        for (String src : List.of("10.51.0.11", "10.51.0.11", "10.51.0.12", "10.51.0.12", "10.51.0.13", "10.51.0.13",
                "10.51.0.14", "10.51.0.14")) {
            outcomes.add(walk(state, udp(src, 7001, t += 0.2)).outcome());
        }
        // the kernel: the add rule accepted (and counted) 4 packets of .11 and .12, the next rule dropped the 4 others
        assertEquals(List.of("ACCEPT #1", "ACCEPT #1", "ACCEPT #1", "ACCEPT #1", "DROP #2", "DROP #2", "DROP #2",
                "DROP #2"), outcomes);
        Walk updateIn = walk(state, udp("10.51.0.11", 7002, t += 0.2));
        Walk updateNew = walk(state, udp("10.51.0.14", 7002, t + 0.2));
        assertEquals("ACCEPT #3", updateIn.outcome(), "an element of the full set: update refreshes it and goes on");
        assertEquals("DROP #4", updateNew.outcome(), "a new element: update fails on the full set like add");
        assertEquals(List.of(4), updateNew.counted(), "the update rule's counter does not move");
        assertTrue(updateNew.notes().contains("@s is full (2 live element(s), its size 2): no element for 10.51.0.14 is"
                + " created, so 'update @s { ip saddr }' ends inet pkp_fs input #3 there (nft_dynset's insert fails:"
                + " neither the rest of the rule, its counter or verdict, is taken)"), updateNew.notes().toString());
        assertFalse(updateIn.notes().stream().anyMatch(n -> n.contains("is full")), updateIn.notes().toString());
    }

    @Test
    void theExplanationOfTheMissNamesTheSetAndItsSize() {
        RuleState state = new RuleState();
        walk(state, udp("10.51.0.11", 7001, 0));
        walk(state, udp("10.51.0.12", 7001, 0.2));
        List<RuleMiss> misses = new ArrayList<>();
        V4.walkChain(Hook.INPUT, "inet pkp_fs", "input", udp("10.51.0.13", 7001, 0.4), Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), true, misses));
        assertTrue(misses.stream().anyMatch(m -> m.rule().position() == 1 && m.packetValue().equals("@s is full (its"
                + " size 2 reached): no element for 10.51.0.13 can be created, so the statement ends the rule")),
                misses.toString());
    }

    @Test
    void anExpiredElementFreesItsPlaceAfterTheGarbageCollection() {
        RuleState state = new RuleState();
        walk(state, udp("10.51.0.11", 7001, 0));
        walk(state, udp("10.51.0.12", 7001, 10));
        assertEquals("DROP #2", walk(state, udp("10.51.0.13", 7001, 20)).outcome());
        // .11 expires at 30 s; the default gc-interval (1 s) has collected it by 31 s
        assertEquals("ACCEPT #1", walk(state, udp("10.51.0.13", 7001, 31.5)).outcome());
        assertEquals("DROP #2", walk(state, udp("10.51.0.11", 7001, 32)).outcome(), ".12 and .13 fill it again");
    }

    @Test
    void aSetWithoutASizeIsNotBounded() {
        RuleState state = new RuleState();
        List<String> outcomes = new ArrayList<>();
        for (String src : List.of("10.51.0.11", "10.51.0.12", "10.51.0.13", "10.51.0.14")) {
            outcomes.add(walk(state, udp(src, 7003, 0)).outcome());
        }
        assertEquals(List.of("ACCEPT #5", "ACCEPT #5", "ACCEPT #5", "ACCEPT #5"), outcomes);
    }
}
