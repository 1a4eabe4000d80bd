package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A native chain with nft's set statements on crafted packets: {@code add} puts the source in the dynamic set that
 * {@code ip saddr @knocked} then matches, the element expires by capture time, a second {@code add} keeps the first
 * timeout while {@code update} refreshes it, {@code delete} removes it, and a walk that is not committed changes nothing.
 */
class NftSetStatementReplayTest {
    private static final long SEC = 1_000_000_000L;
    private static final String RULESET = """
            table inet pkp_ks {
            	set knocked {
            		type ipv4_addr
            		size 65535
            		flags dynamic,timeout
            		timeout 1m
            	}

            	chain input {
            		type filter hook input priority filter + 10; policy accept;
            		tcp dport 7001 add @knocked { ip saddr timeout 5s }
            		tcp dport 7002 update @knocked { ip saddr timeout 5s }
            		tcp dport 7003 add @knocked { ip saddr }
            		tcp dport 7009 delete @knocked { ip saddr }
            		tcp dport 7000-7009 counter packets 0 bytes 0 drop
            		tcp dport 22 ip saddr @knocked counter packets 0 bytes 0 accept
            		tcp dport 22 counter packets 0 bytes 0 drop
            	}
            }
            """;
    private static final NftNativeReplay REPLAY = NftNativeReplay.of(NftRulesetParser.parse("nft.txt", RULESET).value());
    private static final CompiledRuleset RULES = CompiledRuleset.compile(REPLAY.ruleset(IpFamily.V4));
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), sets()));

    private static IpSets sets() {
        Map<String, IpSet> m = new TreeMap<>();
        REPLAY.ipsets().forEach(s -> m.put(s.name(), s));
        return new IpSets(m);
    }

    private static Packet to(int dport, String src, long nanos) {
        return Pkt.tcp(src, 40000, "10.0.0.9", dport).at(nanos).build();
    }

    /** Walks one packet through inet pkp_ks input (committed or not): its verdict and its set statements' effects. */
    private static String step(RuleState state, Packet p, boolean commit) {
        List<TraceStep> steps = new ArrayList<>();
        TableResult r = RULES.walkChain(Hook.INPUT, "inet pkp_ks", "input", p, Optional.empty(),
                new WalkContext(FACTS, ChoiceOracle.FIRST, state, steps, false, new ArrayList<>()));
        if (commit) {
            state.commit(r.stateUpdates());
        }
        List<String> effects = steps.stream().filter(s -> s instanceof RuleStep rs && rs.rule().text().contains("@knocked {"))
                .flatMap(s -> ((RuleStep) s).effects().stream()).toList();
        return r.verdict() + (effects.isEmpty() ? "" : " " + effects);
    }

    private static String step(RuleState state, Packet p) {
        return step(state, p, true);
    }

    @Test
    void addThenMatchAndExpiryByCaptureTime() {
        RuleState s = new RuleState();
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 0)));
        assertEquals("DROP [@knocked: created the element 10.0.0.2 without an expression: the statement goes on, expires 5 s after this packet]",
                step(s, to(7001, "10.0.0.2", SEC)));
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 2 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.3", 2 * SEC)), "another source never knocked");
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 6 * SEC)), "an element until its timeout is over");
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 6 * SEC + 1)), "expired 5 s after the knock");
    }

    @Test
    void addKeepsTheTimeoutAndUpdateRefreshesIt() {
        RuleState s = new RuleState();
        step(s, to(7001, "10.0.0.2", 0));
        assertEquals("DROP [@knocked: the element 10.0.0.2, which has no expression: the statement goes on, expires 5 s after it"
                + " was created]",
                step(s, to(7001, "10.0.0.2", 3 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 6 * SEC)), "the first add's timeout still counts");

        RuleState u = new RuleState();
        assertEquals("DROP [@knocked: created the element 10.0.0.2 without an expression: the statement goes on, expires 5 s after this packet]",
                step(u, to(7002, "10.0.0.2", 0)));
        assertEquals("DROP [@knocked: the element 10.0.0.2 (timeout refreshed), which has no expression: the statement goes on,"
                + " expires 5 s after this packet]",
                step(u, to(7002, "10.0.0.2", 3 * SEC)));
        assertEquals("ACCEPT", step(u, to(22, "10.0.0.2", 6 * SEC)), "update reset the timeout to 3 s + 5 s");
        assertEquals("DROP", step(u, to(22, "10.0.0.2", 9 * SEC)));
    }

    @Test
    void withoutAnElementTimeoutTheSetsTimeoutApplies() {
        RuleState s = new RuleState();
        assertEquals("DROP [@knocked: created the element 10.0.0.2 without an expression: the statement goes on, expires 60 s after this packet]",
                step(s, to(7003, "10.0.0.2", 0)));
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 59 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 61 * SEC)));
    }

    @Test
    void deleteRemovesTheElement() {
        RuleState s = new RuleState();
        step(s, to(7001, "10.0.0.2", 0));
        assertEquals("DROP [deleted 10.0.0.2 from inet:pkp_ks:knocked]", step(s, to(7009, "10.0.0.2", SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 2 * SEC)));
        assertEquals("DROP [10.0.0.2 not a member of inet:pkp_ks:knocked: nothing deleted]",
                step(s, to(7009, "10.0.0.2", 3 * SEC)));
    }

    @Test
    void aWalkThatIsNotCommittedChangesNoSet() {
        RuleState s = new RuleState();
        step(s, to(7001, "10.0.0.2", 0), false);
        assertEquals("DROP", step(s, to(22, "10.0.0.2", SEC)), "only the branch the replay keeps counts");
    }
}
