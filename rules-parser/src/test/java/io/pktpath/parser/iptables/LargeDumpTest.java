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
 * A generated 30,000-service kube-proxy-shaped dump parses completely; the parse time is printed for the report
 * (no timing assertion: the machine is shared).
 */
class LargeDumpTest {
    private static final int SERVICES = 30_000;

    @Test
    void thirtyThousandServices() {
        String dump = KubeProxyDumpGenerator.generate(SERVICES);
        Parsed<Ruleset> parsed = null;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            parsed = IptablesSaveParser.parse("generated", dump);
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("LargeDumpTest: %d services, %d rules, %.1f MB parsed in %d ms (best of 3)%n", SERVICES,
                SERVICES * KubeProxyDumpGenerator.RULES_PER_SERVICE + 2, dump.length() / 1e6, best / 1_000_000);
        assertEquals(List.of(), parsed.diagnostics());
        Table nat = parsed.value().table("nat").orElseThrow();
        assertEquals(SERVICES * KubeProxyDumpGenerator.RULES_PER_SERVICE + 2, nat.rules().size());
        assertEquals(SERVICES * 3 + 6, nat.chains().size());
        Rule lastDnat = nat.chain("KUBE-SEP-" + (SERVICES - 1) + "B").orElseThrow().rule(2).orElseThrow();
        assertEquals("-j DNAT --to-destination 10.1.117.47:8081", lastDnat.target().render());
        assertEquals(true, lastDnat.target() instanceof Dnat);
        StatisticMatch split = nat.chain("KUBE-SVC-7").orElseThrow().rule(2).orElseThrow().matches(StatisticMatch.class).get(0);
        assertEquals(1L << 30, split.probability().orElseThrow().value().numerator());
        assertEquals(RoundTrip.inputRuleText(lastDnat.text()), RuleRenderer.render(lastDnat));
    }
}
