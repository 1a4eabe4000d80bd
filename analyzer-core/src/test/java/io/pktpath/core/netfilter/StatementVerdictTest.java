package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.RejectWith;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A native nft rule's set or mark statement followed by its verdict ({@link StatementVerdict}) walked as the kernel runs
 * it: one step for the rule, carrying the statement's effects, with the rule's verdict; the set changed when the walk
 * is committed; the rule counted once.
 */
class StatementVerdictTest {
    private static final long SEC = 1_000_000_000L;
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), IpsetSaveParser.parse("ipset-save.txt",
            "create seen hash:ip family inet hashsize 1024 maxelem 65536 timeout 60\n").value()));
    /** Each rule's written target, then the verdict it is followed by in the same rule (none: as written). */
    private static final Map<Integer, Target> VERDICTS = Map.of(
            1, new Drop(),
            2, new Drop(),
            3, new Accept(),
            4, new Reject(RejectWith.defaultFor(io.pktpath.parser.net.IpFamily.V4), false),
            5, new Jump("MARKED"));
    private static final CompiledRuleset RULES = CompiledRuleset.compile(combined(Fixtures.parse(table("filter",
            ":INPUT ACCEPT [0:0]", ":MARKED - [0:0]",
            "-A INPUT -p tcp -m tcp --dport 7000 -j SET --add-set seen src --timeout 10",
            "-A INPUT -m set --match-set seen src -j SET --add-set seen src --exist --timeout 30",
            "-A INPUT -p tcp -m tcp --dport 8080 -j SET --add-set seen src",
            "-A INPUT -p tcp -m tcp --dport 9090 -j SET --del-set seen src",
            "-A INPUT -p tcp -m tcp --dport 22 -j MARK --set-xmark 0x1/0xffffffff",
            "-A INPUT -p tcp -j DROP",
            "-A MARKED -m mark --mark 0x1 -j ACCEPT"))));

    /** The dump with INPUT's rule {@code n} given the verdict {@code VERDICTS[n]} after its statement. */
    private static Ruleset combined(Ruleset r) {
        Table filter = r.table("filter").orElseThrow();
        List<Chain> chains = new ArrayList<>();
        for (Chain c : filter.chains()) {
            List<Rule> rules = c.rules().stream().map(x -> !c.name().equals("INPUT") || !VERDICTS.containsKey(x.position())
                    ? x : new Rule(x.table(), x.chain(), x.position(), x.span(), x.text(), x.matches(),
                    new StatementVerdict(x.target(), VERDICTS.get(x.position())), Optional.empty(), x.counters(),
                    x.onlyFamily())).toList();
            chains.add(new Chain(c.name(), c.builtin(), c.policy(), c.counters(), rules, c.span()));
        }
        return new Ruleset(r.family(), List.of(new Table("filter", chains, filter.span())), false, List.of(),
                Optional.empty());
    }

    private static Packet to(int dport, String src, long nanos) {
        return Pkt.tcp(src, 40000, "10.0.0.9", dport).at(nanos).build();
    }

    /** Walks and commits one packet: its table verdict and its steps. */
    private static String step(RuleState state, Packet p) {
        Fixtures.Walked w = Fixtures.walk(RULES, Hook.INPUT, "filter", p, Optional.empty(), FACTS, ChoiceOracle.FIRST,
                state, false);
        state.commit(w.result().stateUpdates());
        return w.result().verdict() + " " + w.lines();
    }

    @Test
    void theStatementRunsThenTheRuleTakesItsVerdictInOneStep() {
        RuleState s = new RuleState();
        assertEquals("ACCEPT [filter INPUT #3 ACCEPT [added 10.0.0.2 to seen (timeout 60 s, the set's default)]]",
                step(s, to(8080, "10.0.0.2", 0)));
        assertEquals("DROP [filter INPUT #2 DROP [refreshed 10.0.0.2 in seen (timeout 30 s)]]",
                step(s, to(8080, "10.0.0.2", SEC)), "a member now: the update rule before 8080's drops it");
        assertEquals("DROP [filter INPUT #1 DROP [added 10.0.0.3 to seen (timeout 10 s)]]",
                step(s, to(7000, "10.0.0.3", 2 * SEC)));
        assertEquals("DROP [filter INPUT #2 DROP [refreshed 10.0.0.3 in seen (timeout 30 s)]]",
                step(s, to(9090, "10.0.0.3", 3 * SEC)));
        assertEquals("ACCEPT [filter INPUT #3 ACCEPT [added 10.0.0.3 to seen (timeout 60 s, the set's default)]]",
                step(s, to(8080, "10.0.0.3", 34 * SEC)), "expired 30 s after the update");
    }

    @Test
    void deleteThenRejectAndAMarkBeforeAJump() {
        RuleState s = new RuleState();
        assertEquals("REJECT [filter INPUT #4 DROP [10.0.0.2 not a member of seen: nothing deleted]]",
                step(s, to(9090, "10.0.0.2", 0)));
        assertEquals("ACCEPT [filter INPUT #5 JUMP:MARKED [mark 0x0 -> 0x1], filter MARKED #1 ACCEPT]",
                step(s, to(22, "10.0.0.2", SEC)), "the mark is set before the jump, which MARKED then reads");
    }

    @Test
    void aWalkThatIsNotCommittedChangesNoSetAndTheRuleIsCountedOnce() {
        RuleState s = new RuleState();
        Fixtures.Walked w = Fixtures.walk(RULES, Hook.INPUT, "filter", to(8080, "10.0.0.2", 0), Optional.empty(), FACTS,
                ChoiceOracle.FIRST, s, false);
        assertEquals(List.of("filter INPUT #3"), w.result().hits().stream().map(h -> h.label()).toList(),
                "one hit: the statement and the verdict are one rule");
        assertEquals(1, w.steps().size(), w.lines().toString());
        assertEquals(1, w.result().stateUpdates().size(), "the add, kept for the commit");
        assertEquals(Optional.of(new Accept()), w.result().decidingTarget(), "the rule's verdict decided");
        assertEquals("ACCEPT [filter INPUT #3 ACCEPT [added 10.0.0.2 to seen (timeout 60 s, the set's default)]]",
                step(s, to(8080, "10.0.0.2", 2 * SEC)), "the uncommitted add left no element");
    }
}
