package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The folded header conditions of a rule ({@link HeaderTest}) give the answers of the evaluators they replace: which
 * conditions fold, their exact answers, and whole walks without misses (header first) equal to walks that explain
 * misses (every evaluator in order) on random chains of pure and impure conditions.
 */
class HeaderTestProperties {
    private static CompiledRule only(String rule) {
        CompiledRuleset rs = CompiledRuleset.compile(Fixtures.parse(PortIndexProperties.dump(List.of(rule), List.of())), false);
        return rs.chain("filter", "KUBE-A").orElseThrow().rules[0];
    }

    private static List<String> restKinds(CompiledRule r) {
        return Arrays.stream(r.rest()).map(m -> m.getClass().getSimpleName()).toList();
    }

    @Test
    void foldsAddressesProtocolCommentAndPortsOfAPureRule() {
        CompiledRule r = only("-s 10.0.0.0/8 -d 10.96.0.1/32 -p tcp -m comment --comment \"c\" -m tcp --dport 80 -j ACCEPT");
        assertEquals(List.of(), restKinds(r));
        HeaderTest h = r;
        assertEquals(true, h.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.1", 80).build()));
        assertEquals(false, h.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.1", 81).build()));
        assertEquals(false, h.headerHolds(Pkt.tcp("11.0.0.1", 40000, "10.96.0.1", 80).build()));
        assertEquals(false, h.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.2", 80).build()));
        assertEquals(false, h.headerHolds(Pkt.udp("10.1.2.3", 40000, "10.96.0.1", 80).build()));
    }

    @Test
    void stopsFoldingAtTheFirstImpureCondition() {
        CompiledRule r = only("! -s 10.0.0.0/8 -m statistic --mode random --probability 0.5 -m tcp --dport 80 -j DROP");
        assertEquals(List.of("RandomEvaluator", "PortEvaluator"), restKinds(r));
        assertEquals(false, r.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.1", 81).build()));
        assertEquals(true, r.headerHolds(Pkt.tcp("11.1.2.3", 40000, "10.96.0.1", 81).build()));
    }

    @Test
    void foldsOneConditionOfEachKindAndKeepsTheSecond() {
        CompiledRule r = only("-p tcp -m tcp --sport 40000 --dport 80:82 -m tcp ! --dport 81 -j ACCEPT");
        assertEquals(List.of("PortEvaluator"), restKinds(r));
        assertEquals(true, r.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.1", 81).build()));
        assertEquals(false, r.headerHolds(Pkt.tcp("10.1.2.3", 40001, "10.96.0.1", 81).build()));
        assertEquals(false, r.headerHolds(Pkt.tcp("10.1.2.3", 40000, "10.96.0.1", 83).build()));
    }

    @Property(tries = 200)
    void walksWithTheHeaderFirstEqualWalksOfEveryEvaluator(
            @ForAll(supplier = RandomChains.Rules.class) List<String> chain,
            @ForAll(supplier = RandomChains.SubRules.class) List<String> sub,
            @ForAll(supplier = RandomChains.Packets.class) List<Packet> packets) {
        String text = PortIndexProperties.dump(chain, sub);
        CompiledRuleset rs = CompiledRuleset.compile(Fixtures.parse(text), false);
        for (Packet p : packets) {
            assertEquals(outcome(rs, p, true), outcome(rs, p, false), () -> "packet " + p + " through\n" + text);
        }
    }

    private static List<String> outcome(CompiledRuleset rs, Packet p, boolean misses) {
        List<String> out = new ArrayList<>();
        for (var b : Branches.enumerate(o -> Fixtures.walk(rs, Hook.FORWARD, "filter", p, KubeProxyTest.newCt(p),
                Fixtures.Facts.of("192.168.0.2"), o, new RuleState(), misses))) {
            out.add(b.probability() + " " + b.walk().lines() + " " + b.walk().result());
        }
        return out;
    }
}
