package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.netfilter.WalkContext;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated kube-proxy rulesets have kube-proxy's names and shape, parse cleanly, and index like a linear scan. */
class KubeProxyRulesetGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void chainNamesHashLikeKubeProxy() {
        // from /work/shared/peer/kube-proxy/TestNodePort: service port ns1/svc1:p80, tcp, endpoint 10.180.0.1:80
        assertEquals("KUBE-SVC-XPGD46QRK7WJZT7O", KubeNames.chain("KUBE-SVC-", "ns1/svc1:p80tcp"));
        assertEquals("KUBE-EXT-XPGD46QRK7WJZT7O", KubeNames.chain("KUBE-EXT-", "ns1/svc1:p80tcp"));
        assertEquals("KUBE-SEP-SXIVWICOYRO3J4NJ", KubeNames.chain("KUBE-SEP-", "ns1/svc1:p80tcp10.180.0.1:80"));
    }

    @Test
    void probabilitiesAsTheKernelStoresThem() {
        // samples/bundles/clusterip-tcp/iptables-save.txt prints 0.33333333349 and 0.50000000000
        assertEquals("0.33333333349", KubeProxyRulesetGenerator.probability(3));
        assertEquals("0.50000000000", KubeProxyRulesetGenerator.probability(2));
        assertEquals("0.20000000019", KubeProxyRulesetGenerator.probability(5));
    }

    @Test
    void serviceRulesHaveIptablesSaveShape() {
        KubeCluster c = KubeCluster.generate(100, 1);
        String text = KubeProxyRulesetGenerator.generate(c);
        KubeCluster.Service s = c.services().get(0);
        String svc = KubeNames.chain("KUBE-SVC-", s.portName() + s.proto());
        String vip = KubeCluster.ip(s.clusterIp());
        assertTrue(text.contains("\n-A KUBE-SERVICES -d " + vip + "/32 -p " + s.proto() + " -m comment --comment \""
                + s.portName() + " cluster IP\" -m " + s.proto() + " --dport " + s.port() + " -j " + svc + "\n"), text);
        assertTrue(text.contains("\n-A " + svc + " ! -s 10.244.0.0/16 -d " + vip + "/32 -p " + s.proto()
                + " -m comment --comment \"" + s.portName() + " cluster IP\" -m " + s.proto() + " --dport " + s.port()
                + " -j KUBE-MARK-MASQ\n"));
        assertTrue(text.endsWith("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be "
                + "the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\nCOMMIT\n"
                + "# Completed on Sun Nov 22 00:00:00 2026\n"));
        assertEquals(text, KubeProxyRulesetGenerator.generate(KubeCluster.generate(100, 1)));
    }

    @Test
    void parsesWithoutDiagnostics() {
        KubeCluster c = KubeCluster.generate(1000, 2);
        var parsed = IptablesSaveParser.parse("iptables-save.txt", KubeProxyRulesetGenerator.generate(c));
        assertEquals(List.of(), parsed.diagnostics());
        Ruleset rs = parsed.value();
        long svcRules = rs.tables().stream().filter(t -> t.name().equals("nat")).flatMap(t -> t.chains().stream())
                .filter(ch -> ch.name().equals("KUBE-SERVICES")).mapToLong(ch -> ch.rules().size()).sum();
        assertEquals(1001, svcRules);
        assertEquals(List.of(), CompiledRuleset.compile(rs).diagnostics());
    }

    @Test
    void indexedWalkEqualsLinearScanOnGeneratedRules() throws Exception {
        KubeCluster c = BenchBundle.writeText(tmp, 2000, 3);
        Bundle bundle = new BundleOpener().open(tmp).bundle();
        CompiledRuleset indexed = CompiledRuleset.compile(bundle.rulesetV4().orElseThrow(), true);
        CompiledRuleset linear = CompiledRuleset.compile(bundle.rulesetV4().orElseThrow(), false);
        NodeNetwork net = Analyzer.network(bundle);
        int compared = 0;
        for (Packet p : BenchPackets.firstPackets(c, 500, 4)) {
            for (Packet q : List.of(p, p.withTuple(new Tuple(p.proto(), p.src(), p.sport(), p.dst(), p.dport() + 1)))) {
                CtInfo ct = new CtInfo(CtState.NEW, false, 0, Set.of(), q.tuple(), Optional.empty(), 0, 0, 0);
                assertEquals(walk(linear, net, q, ct), walk(indexed, net, q, ct), q.toString());
                compared++;
            }
        }
        assertEquals(1000, compared);
    }

    private static List<TraceStep> walk(CompiledRuleset rules, NodeNetwork net, Packet p, CtInfo ct) {
        List<TraceStep> steps = new ArrayList<>();
        rules.walk(Hook.PREROUTING, "nat", p, Optional.of(ct), new WalkContext(net, ChoiceOracle.FIRST, new RuleState(),
                steps, false, List.of()));
        return steps;
    }
}
