package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.match.StatisticMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Dnat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generated kube-proxy-shaped dump parses completely and linearly; the parse time is printed (no timing assertion:
 * the machine is shared). The 30,000-service measurement is {@link KubeProxyDumpBenchmark}; this test uses 3,000 to keep
 * the module's test run fast.
 */
class LargeDumpTest {
    private static final int SERVICES = 3_000;

    @Test
    void thirtyThousandServices() {
        String dump = KubeProxyDumpGenerator.generate(SERVICES);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        Parsed<Ruleset> parsed = null;
        long bestWall = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            parsed = null;
            long wall = System.nanoTime();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            parsed = IptablesSaveParser.parse("generated", dump);
            bestCpu = Math.min(bestCpu, cpu.getCurrentThreadCpuTime() - cpuStart);
            bestWall = Math.min(bestWall, System.nanoTime() - wall);
        }
        System.out.printf("LargeDumpTest: %d services, %d rules, %.1f MB parsed in %d ms wall, %d ms thread CPU (best of 3)%n",
                SERVICES, SERVICES * KubeProxyDumpGenerator.RULES_PER_SERVICE + 2, dump.length() / 1e6, bestWall / 1_000_000,
                bestCpu / 1_000_000);
        assertEquals(List.of(), parsed.diagnostics());
        Table nat = parsed.value().table("nat").orElseThrow();
        assertEquals(SERVICES * KubeProxyDumpGenerator.RULES_PER_SERVICE + 2, nat.rules().size());
        assertEquals(SERVICES * 3 + 6, nat.chains().size());
        Rule lastDnat = nat.chain("KUBE-SEP-" + (SERVICES - 1) + "B").orElseThrow().rule(2).orElseThrow();
        assertEquals("-j DNAT --to-destination 10.1.11.183:8081", lastDnat.target().render());
        assertEquals(true, lastDnat.target() instanceof Dnat);
        StatisticMatch split = nat.chain("KUBE-SVC-7").orElseThrow().rule(2).orElseThrow().matches(StatisticMatch.class).get(0);
        assertEquals(1L << 30, split.probability().orElseThrow().value().numerator());
        assertEquals(RoundTrip.inputRuleText(lastDnat.text()), RuleRenderer.render(lastDnat));
    }
}
