package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.compile;
import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code -j SET} on crafted packets: the element a packet adds is matched by later packets, expires by capture time,
 * is refreshed only with {@code --exist}, leaves with {@code --del-set}, takes one value per dimension (src,dst), and
 * changes nothing unless its walk is committed.
 */
class SetTargetTest {
    private static final long SEC = 1_000_000_000L;
    private static final String SETS = """
            create knock hash:ip family inet hashsize 1024 maxelem 65536 timeout 60
            create seen hash:ip,port family inet hashsize 1024 maxelem 65536
            create static hash:ip family inet hashsize 1024 maxelem 65536
            add static 10.0.0.7
            create lists list:set size 8
            add lists knock
            """;
    private static final NodeFacts FACTS = NodeNetwork.of(new NetworkInputs(List.of(), List.of(), Optional.empty(),
            Optional.empty(), List.of(), Sysctls.empty(), IpsetSaveParser.parse("ipset-save.txt", SETS).value()));
    private static final CompiledRuleset KNOCKING = compile(table("filter", ":INPUT ACCEPT [0:0]",
            "-A INPUT -p tcp -m tcp --dport 7001 -j SET --add-set knock src --timeout 5",
            "-A INPUT -p tcp -m tcp --dport 7002 -j SET --add-set knock src --exist --timeout 5",
            "-A INPUT -p tcp -m tcp --dport 7003 -j SET --add-set knock src",
            "-A INPUT -p tcp -m tcp --dport 7009 -j SET --del-set knock src",
            "-A INPUT -p tcp -m tcp --dport 7000:7009 -j DROP",
            "-A INPUT -p tcp -m tcp --dport 22 -m set --match-set knock src -j ACCEPT",
            "-A INPUT -p tcp -m tcp --dport 22 -j DROP"));

    private static Packet to(int dport, String src, long nanos) {
        return Pkt.tcp(src, 40000, "10.0.0.9", dport).at(nanos).build();
    }

    /** Walks and commits one packet; returns its verdict and the effects of its SET rule steps. */
    private static String step(CompiledRuleset rs, RuleState state, Packet p, boolean commit) {
        Fixtures.Walked w = Fixtures.walk(rs, Hook.INPUT, "filter", p, Optional.empty(), FACTS, ChoiceOracle.FIRST,
                state, false);
        if (commit) {
            state.commit(w.result().stateUpdates());
        }
        List<String> effects = new ArrayList<>();
        w.lines().stream().filter(l -> l.contains("CONTINUE")).forEach(effects::add);
        return w.result().verdict() + (effects.isEmpty() ? "" : " " + effects);
    }

    private static String step(RuleState state, Packet p) {
        return step(KNOCKING, state, p, true);
    }

    @Test
    void addThenMatchAndExpiryByCaptureTime() {
        RuleState s = new RuleState();
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 0)));
        assertEquals("DROP [filter INPUT #1 CONTINUE [added 10.0.0.2 to knock (timeout 5 s)]]",
                step(s, to(7001, "10.0.0.2", SEC)));
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 2 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.3", 2 * SEC)), "another source never knocked");
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 6 * SEC)), "a member until its timeout is over");
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 6 * SEC + 1)), "expired 5 s after the knock");
    }

    @Test
    void reAddingWithoutExistKeepsTheTimeoutAndWithExistResetsIt() {
        RuleState s = new RuleState();
        step(s, to(7001, "10.0.0.2", 0));
        assertEquals("DROP [filter INPUT #1 CONTINUE [10.0.0.2 already a member of knock (timeout not refreshed without"
                + " --exist)]]", step(s, to(7001, "10.0.0.2", 3 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 6 * SEC)), "the first knock's timeout still counts");

        RuleState e = new RuleState();
        step(e, to(7002, "10.0.0.2", 0));
        assertEquals("DROP [filter INPUT #2 CONTINUE [refreshed 10.0.0.2 in knock (timeout 5 s)]]",
                step(e, to(7002, "10.0.0.2", 3 * SEC)));
        assertEquals("ACCEPT", step(e, to(22, "10.0.0.2", 6 * SEC)), "--exist reset the timeout to 3 s + 5 s");
        assertEquals("DROP", step(e, to(22, "10.0.0.2", 9 * SEC)));
    }

    @Test
    void withoutARuleTimeoutTheSetDefaultApplies() {
        RuleState s = new RuleState();
        assertEquals("DROP [filter INPUT #3 CONTINUE [added 10.0.0.2 to knock (timeout 60 s, the set's default)]]",
                step(s, to(7003, "10.0.0.2", 0)));
        assertEquals("ACCEPT", step(s, to(22, "10.0.0.2", 59 * SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 61 * SEC)));
    }

    @Test
    void delSetRemovesTheMember() {
        RuleState s = new RuleState();
        step(s, to(7001, "10.0.0.2", 0));
        assertEquals("DROP [filter INPUT #4 CONTINUE [deleted 10.0.0.2 from knock]]", step(s, to(7009, "10.0.0.2", SEC)));
        assertEquals("DROP", step(s, to(22, "10.0.0.2", 2 * SEC)));
        assertEquals("DROP [filter INPUT #4 CONTINUE [10.0.0.2 not a member of knock: nothing deleted]]",
                step(s, to(7009, "10.0.0.2", 3 * SEC)));
    }

    @Test
    void aWalkThatIsNotCommittedChangesNoSet() {
        RuleState s = new RuleState();
        step(KNOCKING, s, to(7001, "10.0.0.2", 0), false);
        assertEquals("DROP", step(s, to(22, "10.0.0.2", SEC)), "only the branch the replay keeps counts");
    }

    @Test
    void twoDimensionsTakeSourceAddressAndDestinationPort() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 22 -j SET --add-set seen src,dst",
                "-A INPUT -p tcp -m set --match-set seen src,dst -j ACCEPT",
                "-A INPUT -p tcp -m set --match-set seen dst,dst -j ACCEPT",
                "-A INPUT -j DROP"));
        RuleState s = new RuleState();
        assertEquals("DROP", step(rs, s, to(80, "10.0.0.2", 0), true));
        assertEquals("ACCEPT [filter INPUT #1 CONTINUE [added 10.0.0.2,tcp:22 to seen]]",
                step(rs, s, to(22, "10.0.0.2", SEC), true));
        assertEquals("DROP", step(rs, s, to(80, "10.0.0.2", 2 * SEC), true), "another port is another element");
        assertEquals("ACCEPT [filter INPUT #1 CONTINUE [10.0.0.2,tcp:22 already a member of seen (timeout not"
                + " refreshed without --exist)]]", step(rs, s, to(22, "10.0.0.2", 3 * SEC), true));
    }

    @Test
    void aDumpMemberIsAlreadyThereAndCanBeDeleted() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -p tcp -m tcp --dport 7001 -j SET --add-set static src",
                "-A INPUT -p tcp -m tcp --dport 7009 -j SET --del-set static src",
                "-A INPUT -m set --match-set static src -j ACCEPT",
                "-A INPUT -j DROP"));
        RuleState s = new RuleState();
        assertEquals("ACCEPT [filter INPUT #1 CONTINUE [10.0.0.7 already a member of static (timeout not refreshed"
                + " without --exist)]]", step(rs, s, to(7001, "10.0.0.7", 0), true));
        assertEquals("DROP [filter INPUT #2 CONTINUE [deleted 10.0.0.7 from static]]",
                step(rs, s, to(7009, "10.0.0.7", SEC), true));
    }

    @Test
    void anUnknownSetOrAListSetIsNotAppliedAndSaysSo() {
        CompiledRuleset rs = compile(table("filter", ":INPUT ACCEPT [0:0]",
                "-A INPUT -j SET --add-set nosuch src",
                "-A INPUT -j SET --add-set lists src"));
        Fixtures.Walked w = Fixtures.walk(rs, Hook.INPUT, "filter", to(22, "10.0.0.2", 0), Optional.empty(), FACTS,
                ChoiceOracle.FIRST, new RuleState(), false);
        assertEquals(List.of("filter INPUT #1 CONTINUE [not added: ipset nosuch is not defined by the bundle's ipset save]",
                "filter INPUT #2 CONTINUE [not added: ipset lists is a list:set (its member sets' changes are not replayed)]",
                "filter INPUT POLICY:ACCEPT"), w.lines());
        assertEquals(List.of("filter INPUT #1: SET not applied: ipset nosuch is not defined by the bundle's ipset save",
                "filter INPUT #2: SET not applied: ipset lists is a list:set (its member sets' changes are not replayed)"),
                w.result().notes());
        assertEquals(List.of(), w.result().stateUpdates());
    }
}
