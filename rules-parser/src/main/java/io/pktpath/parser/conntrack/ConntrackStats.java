package io.pktpath.parser.conntrack;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The per-CPU counters of {@code conntrack -S} and their totals (absent counters read as 0). */
public record ConntrackStats(List<CpuCounters> cpus) {
    public ConntrackStats {
        cpus = List.copyOf(cpus);
    }

    /** One {@code cpu=N name=value ...} line. */
    public record CpuCounters(int cpu, Map<String, Long> counters) {
        public CpuCounters {
            counters = Collections.unmodifiableSortedMap(new TreeMap<>(counters));
        }

        public long get(String name) {
            return counters.getOrDefault(name, 0L);
        }
    }

    /** The sum of one counter over all CPUs. */
    public long total(String name) {
        return cpus.stream().mapToLong(c -> c.get(name)).sum();
    }

    /** Every counter name seen on any CPU with its total, sorted by name. */
    public Map<String, Long> totals() {
        java.util.SortedMap<String, Long> sums = new TreeMap<>();
        for (CpuCounters c : cpus) {
            c.counters().forEach((k, v) -> sums.merge(k, v, Long::sum));
        }
        return Collections.unmodifiableSortedMap(sums);
    }

    public long found() {
        return total("found");
    }

    public long invalid() {
        return total("invalid");
    }

    public long insertFailed() {
        return total("insert_failed");
    }

    public long drop() {
        return total("drop");
    }

    public long earlyDrop() {
        return total("early_drop");
    }

    public long clashResolve() {
        return total("clash_resolve");
    }
}
