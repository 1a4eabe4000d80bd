package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Ruleset;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the parse of a generated kube-proxy-shaped dump (default 30,000 services = 240,002 rules), five rounds,
 * printing wall and thread CPU time. Run: {@code java -cp target/classes:target/test-classes
 * io.pktpath.parser.iptables.KubeProxyDumpBenchmark [services]}.
 */
public final class KubeProxyDumpBenchmark {
    private KubeProxyDumpBenchmark() {
    }

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        String dump = KubeProxyDumpGenerator.generate(services);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 5; round++) {
            long wall = System.nanoTime();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            Parsed<Ruleset> parsed = IptablesSaveParser.parse("generated", dump);
            long cpuMs = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
            long wallMs = (System.nanoTime() - wall) / 1_000_000;
            int rules = parsed.value().tables().stream().mapToInt(t -> t.rules().size()).sum();
            System.out.printf("round %d: %d services, %d rules, %.1f MB: %d ms wall, %d ms thread CPU, %d diagnostics%n",
                    round, services, rules, dump.length() / 1e6, wallMs, cpuMs, parsed.diagnostics().size());
        }
    }
}
