package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.TraceStep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Built-in chains found by (hook, table) are those found by name, for kernel tables and any other; steps given again
 * by rules and chains are equal to fresh ones for every hook, and the same object while the hook and verdict are.
 */
class BuiltinChainsTest {
    private static final String RULES = table("filter", ":INPUT DROP [0:0]", ":FORWARD ACCEPT [0:0]", ":X - [0:0]",
            "-A INPUT -j X", "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT", "-A FORWARD -j X",
            "-A X -p udp -j RETURN")
            + table("mangle", ":PREROUTING ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]");

    @Test
    void builtinChainsByHookAreTheChainsByName() {
        CompiledRuleset rs = compile(RULES);
        List<String> present = new ArrayList<>();
        for (Hook hook : Hook.values()) {
            for (String t : List.of("raw", "mangle", "nat", "filter", "security", "broute", "X")) {
                assertEquals(rs.hasChain(t, hook.name()), rs.hasChain(hook, t), t + " " + hook);
                if (rs.hasChain(hook, t)) {
                    present.add(t + " " + hook);
                }
            }
        }
        assertEquals(List.of("mangle PREROUTING", "filter INPUT", "filter FORWARD", "mangle POSTROUTING"),
                present);
    }

    @Test
    void stepsGivenAgainEqualFreshOnesAtEveryHook() {
        CompiledRuleset rs = compile(RULES);
        Packet udp = Pkt.udp("10.0.0.2", 1000, "10.0.0.9", 53).build();
        Packet tcp = Pkt.tcp("10.0.0.2", 1000, "10.0.0.9", 80).build();
        List<String> input = Fixtures.walk(rs, Hook.INPUT, "filter", udp).lines();
        List<String> forward = Fixtures.walk(rs, Hook.FORWARD, "filter", udp).lines();
        List<String> inputTcp = Fixtures.walk(rs, Hook.INPUT, "filter", tcp).lines();
        assertEquals(List.of("filter INPUT #1 JUMP:X", "filter X #1 RETURN", "filter INPUT POLICY:DROP"), input);
        assertEquals(List.of("filter FORWARD #1 JUMP:X", "filter X #1 RETURN", "filter FORWARD POLICY:ACCEPT"), forward);
        assertEquals(List.of("filter INPUT #1 JUMP:X", "return X", "filter INPUT POLICY:DROP"), inputTcp);
        List<TraceStep> first = Fixtures.walk(rs, Hook.INPUT, "filter", udp).steps();
        List<TraceStep> again = Fixtures.walk(rs, Hook.INPUT, "filter", udp).steps();
        assertEquals(first, again);
        for (int i = 0; i < first.size(); i++) {
            assertSame(first.get(i), again.get(i), "step " + i);
        }
        Fixtures.Walked viaForward = Fixtures.walk(rs, Hook.FORWARD, "filter", udp);
        assertEquals(Hook.FORWARD, ((io.pktpath.core.trace.RuleStep) viaForward.steps().get(1)).hook());
        assertEquals(input, Fixtures.walk(rs, Hook.INPUT, "filter", udp).lines());
    }
}
