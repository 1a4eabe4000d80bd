package io.pktpath.core.bench;

import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.nft.NftRulesetParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the reading of a ruleset alone: each file given ({@code iptables-save}, or an {@code nft list ruleset} listing,
 * whose native chains are also translated as a bundle's load translates them) is read several times in this JVM and
 * every run's wall time, the reading thread's CPU time and allocation, the whole process's CPU time (helpers,
 * collector and compiler threads included), the collectors' time and the load average are printed, then the best time
 * and, since this machine's speed moves from minute to minute, the median of the runs after the first (the first
 * includes compiling); an nft listing's parse and translation are measured apart.
 */
public final class ParseBench {
    private ParseBench() {
    }

    /** One timed piece of work: wall, its thread's CPU, the process's CPU, the collectors' time and its allocation. */
    private record Measured(long wallNanos, long cpuNanos, long processNanos, long gcMillis, long allocatedBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f s (thread CPU %.3f s, process CPU %.3f s, GC %.3f s), %d MB allocated"
                    + " (this thread)", wallNanos / 1e9, cpuNanos / 1e9, processNanos / 1e9, gcMillis / 1e3,
                    allocatedBytes >> 20);
        }
    }

    public static void main(String[] args) throws IOException {
        int runs = Integer.getInteger("runs", 3);
        System.out.println(JvmDescription.line());
        for (String file : args) {
            Path path = Path.of(file);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            boolean nft = isNftListing(text);
            long[] first = new long[runs];
            long[] second = new long[runs];
            for (int i = 0; i < runs; i++) {
                double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                String name = path.getFileName().toString();
                if (nft) {
                    NftRuleset[] parsed = new NftRuleset[1];
                    Measured parse = measure(() -> parsed[0] = NftRulesetParser.parse(name, text).value());
                    NftNativeReplay[] replay = new NftNativeReplay[1];
                    Measured translate = measure(() -> replay[0] = NftNativeReplay.of(parsed[0]));
                    first[i] = parse.wallNanos();
                    second[i] = translate.wallNanos();
                    System.out.printf(Locale.ROOT, "  run %d: parse %s; translate %s, %d rules, %d base chains"
                            + " replayed; load %.2f%n", i + 1, parse, translate, rules(replay[0].ruleset(IpFamily.V4))
                            + rules(replay[0].ruleset(IpFamily.V6)), replay[0].chains().size(), load);
                } else {
                    Ruleset[] parsed = new Ruleset[1];
                    Measured parse = measure(() -> parsed[0] = IptablesSaveParser.parse(name, text).value());
                    first[i] = parse.wallNanos();
                    System.out.printf(Locale.ROOT, "  run %d: %s, %d rules, load %.2f%n", i + 1, parse,
                            rules(parsed[0]), load);
                }
            }
            System.out.printf(Locale.ROOT, "%s: %s%s%n", file, nft ? "parse " : "", summary(first, runs));
            if (nft) {
                System.out.printf(Locale.ROOT, "%s: translate %s%n", file, summary(second, runs));
            }
        }
    }

    /** True for an {@code nft list ruleset} listing: its first line that is not blank or a comment opens a table. */
    static boolean isNftListing(String text) {
        for (String line : text.lines().limit(50).toList()) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return t.startsWith("table ");
            }
        }
        return false;
    }

    private static int rules(Ruleset r) {
        return r.tables().stream().mapToInt(tb -> tb.chains().stream().mapToInt(c -> c.rules().size()).sum()).sum();
    }

    /** {@code best of N x.xxx s, median of runs 2-N y.yyy s}. */
    private static String summary(long[] times, int runs) {
        long best = Arrays.stream(times).min().orElse(0);
        long[] later = Arrays.copyOfRange(times, Math.min(1, times.length), times.length);
        return String.format(Locale.ROOT, "best of %d %.3f s%s", runs, best / 1e9, later.length == 0 ? ""
                : String.format(Locale.ROOT, ", median of runs 2-%d %.3f s", runs, median(later) / 1e9));
    }

    private static Measured measure(Runnable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long gc0 = gcMillis();
        long c0 = threads.getCurrentThreadCpuTime();
        long p0 = processCpu();
        long t0 = System.nanoTime();
        work.run();
        long t = System.nanoTime() - t0;
        return new Measured(t, threads.getCurrentThreadCpuTime() - c0, processCpu() - p0, gcMillis() - gc0,
                threads.getCurrentThreadAllocatedBytes() - a0);
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
