package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static io.pktpath.core.netfilter.Fixtures.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.RejectWith;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WalkerTest {
    private static final Pkt WEB = Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", 80);

    @Test
    void jumpReturnsAndImplicitReturnContinueInTheCallerThenThePolicyApplies() {
        CompiledRuleset rs = compile(table("filter", ":INPUT DROP [0:0]", ":A - [0:0]", ":B - [0:0]",
                "-A INPUT -j A", "-A INPUT -j B", "-A INPUT -p udp -j ACCEPT",
                "-A A -p tcp -j RETURN", "-A A -j ACCEPT",
                "-A B -s 192.0.2.0/24 -j ACCEPT"));
        Fixtures.Walked w = walk(rs, Hook.INPUT, "filter", WEB.build());
        assertEquals(List.of("filter INPUT #1 JUMP:A", "filter A #1 RETURN", "filter INPUT #2 JUMP:B", "return B",
                "filter INPUT POLICY:DROP"), w.lines());
        assertEquals(TableVerdict.DROP, w.result().verdict());
        assertTrue(w.result().policyApplied());
        assertEquals(Optional.empty(), w.result().decidingRule());
        assertEquals(List.of("filter B #1: -s 192.0.2.0/24 | src 10.0.0.2", "filter INPUT #3: -p udp | proto tcp"),
                w.missLines());
    }

    @Test
    void gotoReturnsToTheCallersCallerAndSkipsTheRestOfTheGotoingChain() {
        // semantics §3.1 [lab]: OUTPUT -j GA, GA: -g GB; counter, GB: -j RETURN -> the counter is never reached
        CompiledRuleset rs = compile(table("filter", ":OUTPUT ACCEPT [0:0]", ":GA - [0:0]", ":GB - [0:0]",
                "-A OUTPUT -j GA", "-A OUTPUT -j DROP", "-A GA -g GB", "-A GA", "-A GB -j RETURN"));
        Fixtures.Walked w = walk(rs, Hook.OUTPUT, "filter", WEB.local().build());
        assertEquals(List.of("filter OUTPUT #1 JUMP:GA", "filter GA #1 GOTO:GB", "filter GB #1 RETURN",
                "filter OUTPUT #2 DROP"), w.lines());
        assertEquals(TableVerdict.DROP, w.result().verdict());
        assertEquals(2, w.result().decidingRule().get().position());
    }

    @Test
    void fallingOffAChainReachedByGotoFromTheBuiltinChainAppliesThePolicy() {
        CompiledRuleset rs = compile(table("filter", ":FORWARD DROP [0:0]", ":G - [0:0]",
                "-A FORWARD -g G", "-A FORWARD -j ACCEPT", "-A G -p udp -j ACCEPT"));
        Fixtures.Walked w = walk(rs, Hook.FORWARD, "filter", WEB.build());
        assertEquals(List.of("filter FORWARD #1 GOTO:G", "return G", "filter FORWARD POLICY:DROP"), w.lines());
        assertEquals(TableVerdict.DROP, w.result().verdict());
    }

    @Test
    void aTableWithoutTheHooksChainChangesNothingAndAccepts() {
        CompiledRuleset rs = compile(table("filter", ":INPUT DROP [0:0]"));
        Fixtures.Walked w = walk(rs, Hook.PREROUTING, "filter", WEB.build());
        assertFalse(w.result().chainPresent());
        assertEquals(TableVerdict.ACCEPT, w.result().verdict());
        assertEquals(List.of(), w.lines());
        assertFalse(walk(rs, Hook.INPUT, "nat", WEB.build()).result().chainPresent());
    }

    @Test
    void verdictWordsFollowTheKernelsTrace() {
        CompiledRuleset rs = compile(table("filter", ":FORWARD ACCEPT [0:0]",
                "-A FORWARD -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x4000/0x4000",
                "-A FORWARD -p tcp -j LOG --log-prefix \"fw: \"",
                "-A FORWARD -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset")
                + table("mangle", ":FORWARD ACCEPT [0:0]", "-A FORWARD -j NFQUEUE --queue-num 3")
                + table("nat", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING -p tcp -j DNAT --to-destination 10.1.0.5:8080"));
        Fixtures.Walked f = walk(rs, Hook.FORWARD, "filter", WEB.build());
        assertEquals(List.of("filter FORWARD #1 CONTINUE [mark 0x0 -> 0x4000]", "filter FORWARD #2 CONTINUE [log prefix \"fw: \"]",
                "filter FORWARD #3 DROP"), f.lines());
        assertEquals(TableVerdict.REJECT, f.result().verdict());
        assertEquals(Optional.of(RejectWith.TCP_RESET), f.result().rejectWith());
        assertEquals(0x4000, f.result().packet().mark());
        assertEquals(3, f.result().hits().size());

        Fixtures.Walked q = walk(rs, Hook.FORWARD, "mangle", WEB.build());
        assertEquals(List.of("mangle FORWARD #1 QUEUE"), q.lines());
        assertEquals(TableVerdict.QUEUE, q.result().verdict());

        Fixtures.Walked n = walk(rs, Hook.PREROUTING, "nat", WEB.build());
        assertEquals(List.of("nat PREROUTING #1 ACCEPT"), n.lines());
        assertEquals(TableVerdict.ACCEPT, n.result().verdict());
        NatRequest req = n.result().nat().orElseThrow();
        assertEquals("-j DNAT --to-destination 10.1.0.5:8080", req.target().render());
        assertTrue(req.target() instanceof Dnat);
        assertEquals("nat PREROUTING #1", req.rule().label());
    }

    @Test
    void outputDeviceIsEmptyInAUserChainReachedFromPrerouting() {
        // semantics §4.1 [lab]: -o X false, ! -o X true, -o + true
        CompiledRuleset rs = compile(table("mangle", ":PREROUTING ACCEPT [0:0]", ":U - [0:0]",
                "-A PREROUTING -j U", "-A U -o eth1 -j MARK --set-xmark 0x1/0xffffffff",
                "-A U ! -o eth1 -j MARK --set-xmark 0x2/0x2", "-A U -o + -j MARK --set-xmark 0x4/0x4",
                "-A U -o eth+ -j MARK --set-xmark 0x8/0x8"));
        Fixtures.Walked w = walk(rs, Hook.PREROUTING, "mangle", WEB.out("eth1").build());
        assertEquals(List.of("mangle PREROUTING #1 JUMP:U", "mangle U #2 CONTINUE [mark 0x0 -> 0x2]",
                "mangle U #3 CONTINUE [mark 0x2 -> 0x6]", "return U", "mangle PREROUTING POLICY:ACCEPT"), w.lines());
        assertEquals(List.of("mangle U #1: -o eth1 | out (none)", "mangle U #4: -o eth+ | out (none)"), w.missLines());
    }

    @Test
    void inputDeviceWildcardAndNegation() {
        CompiledRuleset rs = compile(table("filter", ":FORWARD DROP [0:0]",
                "-A FORWARD -i cali+ -j ACCEPT", "-A FORWARD ! -i docker0 -o eth0 -j ACCEPT"));
        assertEquals(List.of("filter FORWARD #1 ACCEPT"),
                walk(rs, Hook.FORWARD, "filter", WEB.in("cali12ab").out("eth1").build()).lines());
        Fixtures.Walked w = walk(rs, Hook.FORWARD, "filter", WEB.in("docker0").out("eth0").build());
        assertEquals(List.of("filter FORWARD POLICY:DROP"), w.lines());
        assertEquals(List.of("filter FORWARD #1: -i cali+ | in docker0", "filter FORWARD #2: ! -i docker0 | in docker0"),
                w.missLines());
        assertEquals(List.of("filter FORWARD #2 ACCEPT"),
                walk(rs, Hook.FORWARD, "filter", WEB.in("eth1").out("eth0").build()).lines());
    }

    @Test
    void missesAreCollectedOnlyWhenAskedAndNameTheFirstFailingMatch() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -m comment --comment web -p tcp -m tcp --dport 443 -j DROP",
                "-A INPUT -s 10.0.0.0/8 -d 10.0.0.8/32 -j DROP"));
        Fixtures.Walked w = walk(rs, Hook.INPUT, "filter", WEB.build());
        assertEquals(List.of("filter INPUT #1: -m tcp --dport 443 | dport 80", "filter INPUT #2: -d 10.0.0.8/32 | dst 10.0.0.9"),
                w.missLines());
        Fixtures.Walked quiet = walk(rs, Hook.INPUT, "filter", WEB.build(), Optional.empty(), Fixtures.Facts.of(),
                io.pktpath.core.engine.ChoiceOracle.FIRST, new RuleState(), false);
        assertEquals(List.of(), quiet.missLines());
        assertEquals(w.lines(), quiet.lines());
    }

    @Test
    void aHookChainDeclaredWithoutPolicyFallsThroughToAcceptWithANote() {
        // kube-proxy's test dumps declare built-in chains as ":INPUT - [0:0]"
        CompiledRuleset rs = compile(table("filter", ":INPUT - [0:0]", ":X - [0:0]", "-A INPUT -j X", "-A X -p udp -j DROP"));
        Fixtures.Walked w = walk(rs, Hook.INPUT, "filter", WEB.build());
        assertEquals(List.of("filter INPUT #1 JUMP:X", "return X", "filter INPUT POLICY:ACCEPT"), w.lines());
        assertEquals(List.of("chain filter INPUT has no policy in the dump: ACCEPT assumed"), w.result().notes());
        assertEquals(TableVerdict.ACCEPT, w.result().verdict());
    }

    @Test
    void walkingAUserChainDirectlyEndsWithItsImplicitReturnAndNoPolicy() {
        CompiledRuleset rs = compile(table("filter", ":X - [0:0]", "-A X -p udp -j DROP"));
        Fixtures.Walked w = Fixtures.walkChain(rs, Hook.FORWARD, "filter", "X", WEB.build(), Optional.empty(),
                Fixtures.Facts.of(), io.pktpath.core.engine.ChoiceOracle.FIRST);
        assertEquals(List.of("return X"), w.lines());
        assertFalse(w.result().policyApplied());
        assertEquals(TableVerdict.ACCEPT, w.result().verdict());
    }

    @Test
    void conntrackIsNeededOnlyWhenARuleUsesIt() {
        // semantics §2.1 [lab]: a namespace with only comment rules never loaded conntrack
        assertFalse(compile(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m comment --comment x -j ACCEPT")).needsConntrack());
        assertTrue(compile(table("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -m state --state NEW -j ACCEPT")).needsConntrack());
        assertTrue(compile(table("nat", ":POSTROUTING ACCEPT [0:0]", "-A POSTROUTING -j MASQUERADE")).needsConntrack());
        assertTrue(compile(table("raw", ":PREROUTING ACCEPT [0:0]", "-A PREROUTING -j CT --notrack")).needsConntrack());
    }
}
