package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the walker: policies when nothing matches, determinism, and the chain index equal to a linear scan. */
class WalkProperties {
    private static final CompiledRuleset KUBE = KubeProxyTest.dump("TestTracePacket");
    private static final String SERVICES = servicesDump();
    private static final CompiledRuleset INDEXED = CompiledRuleset.compile(Fixtures.parse(SERVICES), true);
    private static final CompiledRuleset LINEAR = CompiledRuleset.compile(Fixtures.parse(SERVICES), false);

    /** A kube-proxy-like nat table: 300 keyed service rules with wild rules between them. */
    static String servicesDump() {
        List<String> lines = new ArrayList<>(List.of(":PREROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]",
                ":KUBE-MARK - [0:0]", "-A PREROUTING -j KUBE-SERVICES", "-A KUBE-MARK -j MARK --or-mark 0x4000"));
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String vip = "10.96." + (i / 200) + "." + (i % 200);
            String proto = i % 5 == 0 ? "udp" : "tcp";
            int port = i % 5 == 0 ? 53 : 80 + i % 3;
            lines.add(":KUBE-SVC-" + i + " - [0:0]");
            rules.add("-A KUBE-SERVICES -d " + vip + "/32 -p " + proto + " -m comment --comment \"svc " + i + "\" -m " + proto
                    + " --dport " + port + " -j KUBE-SVC-" + i);
            rules.add("-A KUBE-SVC-" + i + " ! -s 10.0.0.0/8 -j KUBE-MARK");
            rules.add("-A KUBE-SVC-" + i + " -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.1." + (i % 200)
                    + ".1:8080");
            rules.add("-A KUBE-SVC-" + i + " -p " + proto + " -j DNAT --to-destination 10.1." + (i % 200) + ".2:8080");
            if (i % 60 == 7) {
                rules.add("-A KUBE-SERVICES -d 10.96.0.0/24 -p tcp -m tcp --dport 81 -j MARK --or-mark 0x1");
                rules.add("-A KUBE-SERVICES -d 10.96.0." + (i % 200) + "/32 -p tcp -m statistic --mode random --probability 0.25"
                        + " -m tcp --dport 80 -j MARK --or-mark 0x2");
                rules.add("-A KUBE-SERVICES -d 10.96.1.10/32 -p tcp -m tcp --dport 80:82 -j KUBE-MARK");
                rules.add("-A KUBE-SERVICES -d 10.96.0." + (i % 200) + "/32 -p tcp -m tcp --dport 80 -m nth --every 2 --packet 0"
                        .replace("-m nth", "-m statistic --mode nth") + " -j MARK --or-mark 0x8");
            }
        }
        rules.add("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
        rules.add("-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 -j KUBE-SVC-3");
        lines.addAll(rules);
        return Fixtures.table("nat", lines.toArray(new String[0]));
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<String> dst = Arbitraries.oneOf(Arbitraries.integers().between(0, 260).map(i -> "10.96." + (i / 200) + "." + (i % 200)),
                Arbitraries.of("192.168.0.2", "8.8.8.8", "10.96.1.10"));
        Arbitrary<String> src = Arbitraries.of("10.0.0.2", "203.0.113.7", "10.1.0.1");
        Arbitrary<Integer> port = Arbitraries.of(53, 80, 81, 82, 30080, 443);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 9);
        return net.jqwik.api.Combinators.combine(src, dst, port, kind).as((s, d, p, k) -> {
            Pkt pkt = k < 5 ? Pkt.tcp(s, 40000, d, p) : k < 8 ? Pkt.udp(s, 40000, d, p) : Pkt.icmp(s, d, 8, 0);
            if (k == 9) {
                pkt = Pkt.tcp(s, 40000, d, p);
                pkt.fragment = true;
                pkt.firstFragment = false;
            }
            return pkt.build();
        });
    }

    private static List<String> outcome(CompiledRuleset rs, Packet p, boolean misses) {
        List<String> out = new ArrayList<>();
        for (var b : Branches.enumerate(o -> Fixtures.walk(rs, Hook.PREROUTING, "nat", p, KubeProxyTest.newCt(p),
                Fixtures.Facts.of("192.168.0.2"), o, new RuleState(), misses))) {
            out.add(b.probability() + " " + b.walk().lines() + " " + b.walk().missLines() + " " + b.walk().result());
        }
        return out;
    }

    @Property(tries = 200)
    void theIndexedWalkEqualsTheLinearWalk(@ForAll("packets") Packet p) {
        assertEquals(outcome(LINEAR, p, false), outcome(INDEXED, p, false));
    }

    @net.jqwik.api.Example
    void withMissesTheIndexedRulesetScansLinearlySoEveryMissIsReported() {
        for (Packet p : List.of(Pkt.tcp("10.0.0.2", 1, "10.96.0.7", 82).build(), Pkt.udp("203.0.113.7", 1, "10.96.1.5", 53).build())) {
            List<String> linear = outcome(LINEAR, p, true);
            assertEquals(linear, outcome(INDEXED, p, true));
            String lastService = p.dst().toString().equals("10.96.0.7") ? "-d 10.96.1.99/32 | dst 10.96.0.7" : "-d 10.96.1.4/32 | dst 10.96.1.5";
            assertTrue(linear.get(0).contains(lastService), "keyed rules before the decision are reported as misses");
        }
    }

    @Property(tries = 1)
    void theServicesChainIsIndexed(@ForAll @IntRange(min = 0, max = 0) int unused) {
        assertTrue(INDEXED.chain("nat", "KUBE-SERVICES").orElseThrow().index().isPresent());
        assertTrue(LINEAR.chain("nat", "KUBE-SERVICES").orElseThrow().index().isEmpty());
    }

    @Property(tries = 200)
    void walkingIsDeterministic(@ForAll("packets") Packet p, @ForAll @IntRange(min = 0, max = 4) int hookIndex) {
        Hook hook = Hook.values()[hookIndex];
        for (String table : List.of("nat", "filter")) {
            Fixtures.Walked a = Fixtures.walk(KUBE, hook, table, p, KubeProxyTest.newCt(p), Fixtures.Facts.of("192.168.0.2"),
                    ChoiceOracle.FIRST, new RuleState(), true);
            Fixtures.Walked b = Fixtures.walk(KUBE, hook, table, p, KubeProxyTest.newCt(p), Fixtures.Facts.of("192.168.0.2"),
                    ChoiceOracle.FIRST, new RuleState(), true);
            assertEquals(a, b);
        }
    }

    @Property(tries = 200)
    void aPacketMatchingNoRuleGetsEveryBuiltinChainsPolicy(@ForAll boolean inputDrop, @ForAll boolean forwardDrop,
                                                           @ForAll boolean outputDrop, @ForAll @IntRange(min = 1024, max = 65535) int port,
                                                           @ForAll @IntRange(min = 1, max = 1023) int rulePort) {
        String dump = Fixtures.table("filter", ":INPUT " + (inputDrop ? "DROP" : "ACCEPT") + " [0:0]",
                ":FORWARD " + (forwardDrop ? "DROP" : "ACCEPT") + " [0:0]", ":OUTPUT " + (outputDrop ? "DROP" : "ACCEPT") + " [0:0]",
                ":U - [0:0]", "-A INPUT -p tcp -m tcp --dport " + rulePort + " -j ACCEPT", "-A INPUT -j U",
                "-A FORWARD -p udp -j DROP", "-A OUTPUT -d 192.0.2.0/24 -j REJECT", "-A U -p tcp -m tcp --dport 1:1023 -j DROP");
        CompiledRuleset rs = Fixtures.compile(dump);
        Packet p = Pkt.tcp("10.0.0.2", 40000, "10.0.0.9", port).build();
        for (Hook hook : List.of(Hook.INPUT, Hook.FORWARD, Hook.OUTPUT)) {
            boolean drop = hook == Hook.INPUT ? inputDrop : hook == Hook.FORWARD ? forwardDrop : outputDrop;
            Fixtures.Walked w = Fixtures.walk(rs, hook, "filter", p, Optional.empty());
            var steps = w.steps();
            assertEquals(new PolicyStep(hook, "filter", hook.name(), drop ? Verdict.POLICY_DROP : Verdict.POLICY_ACCEPT),
                    steps.get(steps.size() - 1));
            assertEquals(drop ? TableVerdict.DROP : TableVerdict.ACCEPT, w.result().verdict());
            assertTrue(w.result().policyApplied());
        }
    }
}
