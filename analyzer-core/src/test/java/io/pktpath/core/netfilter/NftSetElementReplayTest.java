package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.ipset.SetProbe;
import io.pktpath.parser.net.IpAddress;
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
 * Set statements and a meter with a stateful expression per element on crafted packets, as nft_dynset evaluates them:
 * one element per source (or destination) created at its first packet with a fresh expression, a full set creating
 * none (the rule then does not match), {@code add} keeping the element's expiry (it comes back fresh once expired),
 * {@code update} setting it anew, the element visible to look-ups of the set.
 */
class NftSetElementReplayTest {
    private static final long SEC = 1_000_000_000L;
    private static final NftNativeReplay REPLAY = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", """
            table inet pkp_el {
            	set rate4 {
            		type ipv4_addr
            		size 2
            		flags dynamic,timeout
            		timeout 5s
            	}
            	set quota6 {
            		type ipv6_addr
            		flags dynamic
            	}
            	chain input {
            		type filter hook input priority filter; policy accept;
            		udp dport 5001 add @rate4 { ip saddr limit rate over 1/second burst 2 packets } drop
            		udp dport 5003 add @quota6 { ip6 saddr quota over 200 bytes } drop
            		udp dport 5005 meter m size 4 { ip daddr timeout 2s limit rate over 1/second burst 1 packets } drop
            		udp dport 6001-6002 meter pp size 2 { ip saddr . udp dport limit rate over 1/second burst 1 packets } drop
            		udp dport 5009 ip saddr @rate4 accept
            		udp dport 5009 drop
            	}
            }
            """).value());
    private static final CompiledRuleset V4 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V4));
    private static final CompiledRuleset V6 = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V6));
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), sets()));

    /** The dynamic sets as the bundle gives them to the replay: empty, for look-ups. */
    private static IpSets sets() {
        TreeMap<String, io.pktpath.parser.ipset.IpSet> m = new TreeMap<>();
        REPLAY.ipsets().forEach(s -> m.put(s.name(), s));
        return new IpSets(m);
    }

    private static Packet udp(String src, String dst, int dport, double seconds) {
        Pkt p = Pkt.udp(src, 41000, dst, dport).at(Math.round(seconds * SEC));
        p.length = 100;
        return p.build();
    }

    /** Walks one committed packet through inet pkp_el input: its verdict and the effects of the rule it matched. */
    private static String step(RuleState state, Packet p, List<String> notes) {
        List<TraceStep> steps = new ArrayList<>();
        TableResult r = (p.family() == IpFamily.V4 ? V4 : V6).walkChain(Hook.INPUT, "inet pkp_el", "input", p,
                Optional.empty(), new WalkContext(FACTS, ChoiceOracle.FIRST, state, steps, false, new ArrayList<>()));
        state.commit(r.stateUpdates());
        notes.addAll(r.notes());
        List<String> effects = steps.stream().filter(s -> s instanceof RuleStep).flatMap(s -> ((RuleStep) s).effects()
                .stream()).toList();
        return r.verdict() + (effects.isEmpty() ? "" : " " + effects);
    }

    private static String verdict(RuleState state, Packet p) {
        return step(state, p, new ArrayList<>()).split(" ")[0];
    }

    @Test
    void eachSourceHasItsOwnFreshLimitAndAFullSetCreatesNone() {
        assertEquals(Optional.empty(), REPLAY.refusal("inet pkp_el input"), "the chain is replayed");
        RuleState state = new RuleState();
        List<String> notes = new ArrayList<>();
        assertEquals("ACCEPT", step(state, udp("10.0.0.1", "10.0.0.9", 5001, 0), notes));
        assertTrue(notes.contains("@rate4: the element 10.0.0.1 is created in the replay (the set's elements at capture"
                + " start are unknown, the listing being taken after the traffic: it starts empty)"), notes.toString());
        assertEquals("ACCEPT", verdict(state, udp("10.0.0.1", "10.0.0.9", 5001, 0.1)));
        assertEquals("DROP [limit rate over 1/second burst 2 packets: over the rate, tokens for 0.20 of 2 packets (it"
                + " needs 1), @rate4: the element 10.0.0.1, expires 5 s after it was created]",
                step(state, udp("10.0.0.1", "10.0.0.9", 5001, 0.2), new ArrayList<>()));
        assertEquals(List.of("ACCEPT", "ACCEPT", "DROP"), List.of(verdict(state, udp("10.0.0.2", "10.0.0.9", 5001, 0.3)),
                verdict(state, udp("10.0.0.2", "10.0.0.9", 5001, 0.31)),
                verdict(state, udp("10.0.0.2", "10.0.0.9", 5001, 0.32))), "a second source: a bucket of its own");
        // size 2: the third source has no element and the statement ends the rule, whatever its rate
        assertEquals(List.of("ACCEPT", "ACCEPT", "ACCEPT"), List.of(verdict(state, udp("10.0.0.3", "10.0.0.9", 5001, 0.4)),
                verdict(state, udp("10.0.0.3", "10.0.0.9", 5001, 0.41)),
                verdict(state, udp("10.0.0.3", "10.0.0.9", 5001, 0.42))));
        assertEquals(2, state.liveIpsetMembers("inet:pkp_el:rate4", Math.round(0.5 * SEC)));
        List<io.pktpath.core.trace.RuleMiss> misses = new ArrayList<>();
        TableResult full = V4.walkChain(Hook.INPUT, "inet pkp_el", "input", udp("10.0.0.3", "10.0.0.9", 5001, 0.45),
                Optional.empty(), new WalkContext(FACTS, ChoiceOracle.FIRST, state, new ArrayList<>(), true, misses));
        assertEquals(TableVerdict.ACCEPT, full.verdict());
        assertEquals("@rate4 is full (its size 2 reached): no element for 10.0.0.3 can be created, so the statement"
                + " ends the rule", misses.get(0).packetValue(), "explain says why the rule did not match");
        assertEquals("add @rate4 { ip saddr limit rate over 1/second burst 2 packets }", misses.get(0).failedMatch());
        // the element is in the set for look-ups
        assertEquals("ACCEPT", verdict(state, udp("10.0.0.1", "10.0.0.9", 5009, 0.5)));
        assertEquals("DROP", verdict(state, udp("10.0.0.3", "10.0.0.9", 5009, 0.5)));
        // add kept the first expiry (5 s after creation, not after the last packet): 10.0.0.1's at 5.0 s, 10.0.0.2's
        // at 5.3 s; an expired element holds its place until the garbage collection (every second by default), taken
        // as done half an interval after the expiry: at 5.6 s 10.0.0.1's place is free, 10.0.0.2's not yet (a note
        // says the outcome rests on that), and a source comes back with a full bucket
        List<String> gc = new ArrayList<>();
        assertEquals(List.of("ACCEPT", "ACCEPT", "DROP", "ACCEPT"), List.of(
                step(state, udp("10.0.0.1", "10.0.0.9", 5001, 5.6), gc).split(" ")[0],
                verdict(state, udp("10.0.0.1", "10.0.0.9", 5001, 5.7)),
                verdict(state, udp("10.0.0.1", "10.0.0.9", 5001, 5.8)),
                verdict(state, udp("10.0.0.3", "10.0.0.9", 5001, 5.9))));
        assertEquals(List.of("@rate4 holds 0 live element(s) of its size 2 and 2 expired less than its gc-interval (1 s)"
                + " ago, which the kernel counts until its garbage collection (at its first pass after the expiry, at a"
                + " time the capture does not show): taken as collected (expired more than half the interval ago), so"
                + " the element 10.0.0.1 is created; had the collection not run yet, the set was full and the statement"
                + " would have ended the rule"), gc);
    }

    @Test
    void aConcatenatedKeyKeepsAnElementPerSourceAndPort() {
        RuleState state = new RuleState();
        List<String> notes = new ArrayList<>();
        List<String> out = new ArrayList<>();
        out.add(step(state, udp("10.0.0.1", "10.0.0.9", 6001, 0), notes));
        out.add(verdict(state, udp("10.0.0.1", "10.0.0.9", 6001, 0.1)));
        out.add(verdict(state, udp("10.0.0.1", "10.0.0.9", 6002, 0.2)));
        out.add(verdict(state, udp("10.0.0.2", "10.0.0.9", 6001, 0.3)));
        assertEquals(List.of("ACCEPT", "DROP", "ACCEPT", "ACCEPT"), out,
                "10.0.0.1 . 6001 over its limit; 10.0.0.1 . 6002 fresh; 10.0.0.2 . 6001 finds the meter full (size 2)");
        assertTrue(notes.contains("meter pp: the element 10.0.0.1 . 6001 is created in the replay (the set's elements at"
                + " capture start are unknown, the listing being taken after the traffic: it starts empty)"),
                notes.toString());
        assertEquals(2, state.liveIpsetMembers("inet:pkp_el:pp", Math.round(0.5 * SEC)));
    }

    @Test
    void aQuotaPerIpv6SourceAndAMeterUpdatedPerDestination() throws Exception {
        RuleState state = new RuleState();
        List<String> quota = new ArrayList<>();
        for (double t : new double[] {0, 0.1, 0.2}) {
            quota.add(step(state, udp("fd00::1", "fd00::9", 5003, t), new ArrayList<>()));
        }
        quota.add(verdict(state, udp("fd00::2", "fd00::9", 5003, 0.3)));
        assertEquals(List.of("ACCEPT", "ACCEPT", "DROP [quota over 200 bytes: 300 of 200 bytes consumed with this"
                + " packet's 100 (over the quota), @quota6: the element fd00::1]", "ACCEPT"), quota,
                "300 bytes are over 200; fd00::2 has a quota of its own");
        // the meter's key has a timeout: nft updates it, each packet setting the expiry anew
        assertEquals("ACCEPT", verdict(state, udp("10.0.0.1", "10.0.0.9", 5005, 0)));
        assertEquals("DROP", verdict(state, udp("10.0.0.2", "10.0.0.9", 5005, 0.5)), "one element per destination");
        assertEquals("ACCEPT", verdict(state, udp("10.0.0.2", "10.0.0.8", 5005, 0.5)));
        IpsetKey nine = new IpsetKey("inet:pkp_el:m", List.of(new SetProbe.Address(IpAddress.parse("10.0.0.9"))));
        assertEquals(Math.round(2.5 * SEC), state.ipsetMember(nine).orElseThrow().expiresNanos(),
                "refreshed by the packet at 0.5 s, which the limit dropped");
    }
}
