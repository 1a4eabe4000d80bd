package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.iptables.target.Dnat;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Walks over kube-proxy's own dumps from the peer data. */
class KubeProxyTest {
    private static final Path KP = Fixtures.peer().resolve("kube-proxy");

    static CompiledRuleset dump(String test) {
        return Fixtures.compile(Fixtures.read(KP.resolve(test).resolve("rules.iptables-save")));
    }

    static Optional<CtInfo> newCt(Packet p) {
        return Optional.of(new CtInfo(CtState.NEW, false, 0, Set.of(), p.tuple(), Optional.empty(), 0, 120, 1));
    }

    private static String dnat(TableResult r) {
        return r.nat().map(n -> ((Dnat) n.target()).range().render()).orElse("");
    }

    @Test
    void aClusterIpWithTwoEndpointsBranchesByTheStatisticRuleWithHalfEach() {
        CompiledRuleset rs = dump("TestTracePacket");
        Packet p = Pkt.tcp("10.0.0.2", 40000, "172.30.0.44", 80).build();
        var branches = Branches.enumerate(oracle -> Fixtures.walk(rs, Hook.PREROUTING, "nat", p, newCt(p),
                Fixtures.Facts.of("192.168.0.2"), oracle, new RuleState(), false));
        assertEquals(2, branches.size());
        assertEquals(List.of("nat PREROUTING #1 JUMP:KUBE-SERVICES", "nat KUBE-SERVICES #6 JUMP:KUBE-SVC-4SW47YFZTEDKD3PK",
                "undecided nat KUBE-SVC-4SW47YFZTEDKD3PK #2 -m statistic --mode random --probability 0.50000000000"
                        + " -> match (p=0.50000000000)",
                "nat KUBE-SVC-4SW47YFZTEDKD3PK #2 JUMP:KUBE-SEP-UKSFD7AGPMPPLUHC",
                "nat KUBE-SEP-UKSFD7AGPMPPLUHC #2 ACCEPT"), branches.get(0).walk().lines());
        assertEquals("10.180.0.4:80", dnat(branches.get(0).walk().result()));
        assertEquals(List.of("nat PREROUTING #1 JUMP:KUBE-SERVICES", "nat KUBE-SERVICES #6 JUMP:KUBE-SVC-4SW47YFZTEDKD3PK",
                "undecided nat KUBE-SVC-4SW47YFZTEDKD3PK #2 -m statistic --mode random --probability 0.50000000000"
                        + " -> no match",
                "nat KUBE-SVC-4SW47YFZTEDKD3PK #3 JUMP:KUBE-SEP-C6EBXVWJJZMIWKLZ",
                "nat KUBE-SEP-C6EBXVWJJZMIWKLZ #2 ACCEPT"), branches.get(1).walk().lines());
        assertEquals("10.180.0.5:80", dnat(branches.get(1).walk().result()));
        assertEquals(0.5, branches.get(0).probability(), 0.0);
        assertEquals(0.5, branches.get(1).probability(), 0.0);
        assertEquals(0, branches.get(0).walk().result().packet().mark(), "pod traffic is not marked for masquerade");
    }

    /**
     * A draw keeps its choice point and its last step for its rule: walked again, at another hook and to another
     * outcome, each step still names its own hook and outcome, and the same walk gives an equal step.
     */
    @Test
    void aDrawsRememberedStepsFollowTheHookAndTheOutcome() {
        CompiledRuleset rs = dump("TestTracePacket");
        Packet p = Pkt.tcp("10.0.0.2", 40000, "172.30.0.44", 80).build();
        Function<Hook, Function<ChoiceOracle, String>> draw =
                hook -> oracle -> Fixtures.walk(rs, hook, "nat", p, newCt(p), Fixtures.Facts.of("192.168.0.2"),
                        oracle, new RuleState(), false).lines().stream().filter(l -> l.startsWith("undecided"))
                        .findFirst().orElse("");
        String pre = draw.apply(Hook.PREROUTING).apply(ChoiceOracle.FIRST);
        assertTrue(pre.endsWith("-> match (p=0.50000000000)"), pre);
        assertEquals(pre, draw.apply(Hook.PREROUTING).apply(ChoiceOracle.FIRST));
        String no = draw.apply(Hook.PREROUTING).apply(point -> 1);
        assertTrue(no.endsWith("-> no match"), no);
        Fixtures.Walked out = Fixtures.walk(rs, Hook.OUTPUT, "nat", p, newCt(p), Fixtures.Facts.of("192.168.0.2"),
                ChoiceOracle.FIRST, new RuleState(), false);
        UndecidedStep step = out.steps().stream()
                .filter(UndecidedStep.class::isInstance)
                .map(UndecidedStep.class::cast).findFirst().orElseThrow();
        assertEquals(Hook.OUTPUT, step.hook());
        assertTrue(step.decidedBy().startsWith("match"), step.decidedBy());
    }

    @Test
    void threeEndpointsGetOneThirdEachFromTheExactKernelProbabilities() {
        CompiledRuleset rs = dump("TestEndpointSliceE2E");
        Packet p = Pkt.tcp("10.0.0.2", 40000, "172.30.1.1", 0).build();
        var branches = Branches.enumerate(oracle -> Fixtures.walkChain(rs, Hook.PREROUTING, "nat", "KUBE-SERVICES", p,
                newCt(p), Fixtures.Facts.of("192.168.0.2"), oracle));
        assertEquals(List.of("10.0.1.1:80", "10.0.1.2:80", "10.0.1.3:80"),
                branches.stream().map(b -> dnat(b.walk().result())).toList());
        // P = round(0.3333333333 * 2^31) = 715827883, so the first branch has 715827883/2^31, not exactly 1/3
        assertEquals(715827883 / 2147483648.0, branches.get(0).probability(), 0.0);
        for (var b : branches) {
            assertEquals(1.0 / 3, b.probability(), 1e-9);
        }
        assertEquals(1.0, branches.stream().mapToDouble(Branches.Branch::probability).sum(), 1e-12);
        assertEquals("match (p=0.33333333349)", branches.get(0).points().get(0).outcomes().get(0));
    }

    @Test
    void externalTrafficIsMarkedForMasqueradeAndPostroutingMasquerades() {
        CompiledRuleset rs = dump("TestTracePacket");
        Packet p = Pkt.tcp("203.0.113.2", 40000, "192.168.99.33", 80).build();
        var branches = Branches.enumerate(oracle -> Fixtures.walk(rs, Hook.PREROUTING, "nat", p, newCt(p),
                Fixtures.Facts.of("192.168.0.2"), oracle, new RuleState(), false));
        assertEquals(2, branches.size());
        Fixtures.Walked first = branches.get(0).walk();
        assertTrue(first.lines().contains("nat KUBE-MARK-MASQ #1 CONTINUE [mark 0x0 -> 0x4000]"), first.lines().toString());
        Packet marked = first.result().packet();
        assertEquals(0x4000, marked.mark());
        Fixtures.Walked post = Fixtures.walk(rs, Hook.POSTROUTING, "nat", marked.withOutIface("eth0"),
                newCt(p), Fixtures.Facts.of("192.168.0.2"), ChoiceOracle.FIRST, new RuleState(), false);
        assertEquals(List.of("nat POSTROUTING #1 JUMP:KUBE-POSTROUTING", "nat KUBE-POSTROUTING #2 CONTINUE [mark 0x4000 -> 0x0]",
                "nat KUBE-POSTROUTING #3 ACCEPT"), post.lines());
        assertEquals("-j MASQUERADE", post.result().nat().get().target().render());
    }

    @Test
    void filterForwardDropsInvalidAndAcceptsEstablished() {
        CompiledRuleset rs = dump("TestTracePacket");
        Packet p = Pkt.tcp("10.0.0.2", 40000, "10.0.0.3", 80).flags(Packet.ACK).build();
        Fixtures.Walked invalid = Fixtures.walk(rs, Hook.FORWARD, "filter", p, Optional.empty());
        assertEquals(List.of("filter FORWARD #1 JUMP:KUBE-FORWARD", "filter KUBE-FORWARD #1 DROP"), invalid.lines());
        CtInfo est = new CtInfo(CtState.ESTABLISHED, true, 0, Set.of(), new Tuple(6, p.dst(), 80, p.src(), 40000),
                Optional.empty(), 0, 300, 1);
        Fixtures.Walked ok = Fixtures.walk(rs, Hook.FORWARD, "filter", p, Optional.of(est));
        assertEquals(List.of("filter FORWARD #1 JUMP:KUBE-FORWARD", "filter KUBE-FORWARD #3 ACCEPT"), ok.lines());
        assertEquals(List.of("filter KUBE-FORWARD #1: -m conntrack --ctstate INVALID | ctstate ESTABLISHED",
                "filter KUBE-FORWARD #2: -m mark --mark 0x4000/0x4000 | mark 0x0"), ok.missLines());
    }
}
