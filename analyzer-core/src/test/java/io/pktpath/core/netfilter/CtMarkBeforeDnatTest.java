package io.pktpath.core.netfilter;

import static io.pktpath.core.netfilter.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.MarkOp;
import io.pktpath.parser.iptables.target.StatementVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * netavark's port forward {@code tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80} walked as
 * the kernel runs it: the ct mark becomes the packet's mark with 0x1000 set (nft's bitwise (mark & ~0x1000) ^ 0x1000),
 * then the rule's DNAT maps the connection; one step, one hit. Without a conntrack entry no ct mark is set.
 */
class CtMarkBeforeDnatTest {
    private static final CompiledRuleset RULES = CompiledRuleset.compile(combined(Fixtures.parse(table("nat",
            ":PREROUTING ACCEPT [0:0]",
            "-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80"))));

    /** PREROUTING's rule with netavark's ct mark statement before its DNAT. */
    private static Ruleset combined(Ruleset r) {
        Table nat = r.table("nat").orElseThrow();
        List<Chain> chains = new ArrayList<>();
        for (Chain c : nat.chains()) {
            List<Rule> rules = c.rules().stream().map(x -> new Rule(x.table(), x.chain(), x.position(), x.span(),
                    x.text(), x.matches(), new StatementVerdict(new Connmark(Connmark.Mode.SAVE, 0x1000, 0, 0xffffefffL,
                    0xffffffffL, MarkOp.SET_XMARK), x.target()), Optional.empty(), x.counters(), x.onlyFamily())).toList();
            chains.add(new Chain(c.name(), c.builtin(), c.policy(), c.counters(), rules, c.span()));
        }
        return new Ruleset(r.family(), List.of(new Table("nat", chains, nat.span())), false, List.of(), Optional.empty());
    }

    private static Optional<CtInfo> fresh(Packet p) {
        return Optional.of(new CtInfo(CtState.NEW, false, 0, Set.of(), p.tuple(), Optional.empty(), 0, 120, 1));
    }

    @Test
    void theCtMarkIsTheMarkWith0x1000AndThenTheRuleDnats() {
        Packet marked = Pkt.tcp("10.88.0.3", 43003, "172.18.0.2", 8080).in("podman0").mark(0x2000).build();
        Fixtures.Walked w = Fixtures.walk(RULES, Hook.PREROUTING, "nat", marked, fresh(marked));
        assertEquals(List.of("nat PREROUTING #1 ACCEPT [ctmark 0x0 -> 0x3000]"), w.lines());
        assertEquals(0x3000L, w.result().ct().orElseThrow().ctMark(), "netavark's SETMARK 0x2000 kept, 0x1000 added");
        assertEquals(0x2000L, w.result().packet().mark(), "the packet's own mark is not changed");
        assertInstanceOf(Dnat.class, w.result().decidingTarget().orElseThrow());
        assertTrue(w.result().nat().isPresent(), "the DNAT request");
        Packet plain = Pkt.tcp("172.18.0.1", 41001, "172.18.0.2", 8080).in("eth0").build();
        assertEquals(0x1000L, Fixtures.walk(RULES, Hook.PREROUTING, "nat", plain, fresh(plain)).result().ct()
                .orElseThrow().ctMark());
        assertEquals(List.of("nat PREROUTING #1 ACCEPT [ctmark unchanged: no conntrack entry]"),
                Fixtures.walk(RULES, Hook.PREROUTING, "nat", plain, Optional.empty()).lines());
    }
}
