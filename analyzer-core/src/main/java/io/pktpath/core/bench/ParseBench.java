package io.pktpath.core.bench;

import io.pktpath.parser.iptables.IptablesSaveParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times {@code iptables-save} parsing alone: each file given is parsed several times in this JVM and every run's wall
 * time, the reading thread's CPU time and allocation, the whole process's CPU time (helpers, collector and compiler
 * threads included), the collectors' time and the load average are printed, then the best time and, since this
 * machine's speed moves from minute to minute, the median of the runs after the first (the first includes compiling).
 */
public final class ParseBench {
    private ParseBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = Integer.getInteger("runs", 3);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println(JvmDescription.line());
        for (String file : args) {
            Path path = Path.of(file);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            long best = Long.MAX_VALUE;
            long[] later = new long[Math.max(0, runs - 1)];
            for (int i = 0; i < runs; i++) {
                double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                long gc0 = gcMillis();
                long c0 = threads.getCurrentThreadCpuTime();
                long p0 = processCpu();
                long t0 = System.nanoTime();
                var parsed = IptablesSaveParser.parse(path.getFileName().toString(), text);
                long t = System.nanoTime() - t0;
                long cpu = threads.getCurrentThreadCpuTime() - c0;
                long process = processCpu() - p0;
                long gc = gcMillis() - gc0;
                long alloc = threads.getCurrentThreadAllocatedBytes() - a0;
                best = Math.min(best, t);
                if (i > 0) {
                    later[i - 1] = t;
                }
                int rules = parsed.value().tables().stream().mapToInt(tb -> tb.chains().stream()
                        .mapToInt(c -> c.rules().size()).sum()).sum();
                System.out.printf(Locale.ROOT, "  run %d: %.3f s (thread CPU %.3f s, process CPU %.3f s, GC %.3f s),"
                        + " %d rules, %d MB allocated (this thread), load %.2f%n", i + 1, t / 1e9, cpu / 1e9,
                        process / 1e9, gc / 1e3, rules, alloc >> 20, load);
            }
            System.out.printf(Locale.ROOT, "%s: best of %d %.3f s%s%n", file, runs, best / 1e9, later.length == 0 ? ""
                    : String.format(Locale.ROOT, ", median of runs 2-%d %.3f s", runs, median(later) / 1e9));
        }
    }

    /** The median of {@code times} (the mean of the middle two for an even count). */
    static double median(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** Nanoseconds of CPU all threads of this process have used so far (helpers and collectors included). */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Milliseconds all collectors have spent so far (pauses and concurrent work as the JVM counts them). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }
}
