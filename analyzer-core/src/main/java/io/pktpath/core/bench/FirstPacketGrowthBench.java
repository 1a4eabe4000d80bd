package io.pktpath.core.bench;

import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.parser.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much more a new connection's first packet costs with a large ruleset than with a small one, measured in one JVM
 * in paired rounds (small, large, small, large, ...) so that the machine's drift from minute to minute, which on a
 * shared VM moves a single figure by half, cancels in each pair's ratio. A third workload sends the large ruleset's
 * packets to only as many services as the small one has: its ratio is what the ruleset's size alone costs, the rest
 * is the memory of more services' rules, which the caches no longer hold. Usage:
 * {@code FirstPacketGrowthBench DIR [SMALL LARGE] [--rounds N]} (the nodes of {@link EndToEndBench}'s bundles
 * {@code DIR/kp-SERVICES-100000}; no capture is needed).
 */
public final class FirstPacketGrowthBench {
    private static final int PACKETS = 20_000;
    private static final int FRAMES = 100_000;

    private FirstPacketGrowthBench() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException, BundleOpenException {
        if (args.length < 1) {
            System.err.println("usage: FirstPacketGrowthBench DIR [SMALL LARGE] [--rounds N]");
            System.exit(2);
        }
        int small = 100;
        int large = 30_000;
        int rounds = 15;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                small = Integer.parseInt(args[i]);
                large = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = Path.of(args[0]);
        KubeCluster smallCluster = KubeCluster.generate(small, BenchBundle.DEFAULT_SEED);
        KubeCluster largeCluster = KubeCluster.generate(large, BenchBundle.DEFAULT_SEED);
        FirstPackets a = new FirstPackets(bundle(dir, small), BenchPackets.firstPackets(smallCluster, PACKETS, 7));
        Bundle big = bundle(dir, large);
        FirstPackets b = new FirstPackets(big, BenchPackets.firstPackets(largeCluster, PACKETS, 7));
        FirstPackets c = new FirstPackets(big, BenchPackets.firstPackets(largeCluster, PACKETS, 7, small));
        System.out.println(JvmDescription.line());
        for (int warm = 0; warm < 10; warm++) {
            a.round();
            b.round();
            c.round();
        }
        long[] as = new long[rounds];
        long[] bs = new long[rounds];
        long[] cs = new long[rounds];
        double[] growth = new double[rounds];
        double[] sizeOnly = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            as[r] = a.round();
            bs[r] = b.round();
            cs[r] = c.round();
            growth[r] = bs[r] / (double) as[r];
            sizeOnly[r] = cs[r] / (double) as[r];
            System.out.printf(Locale.ROOT, "round %d: %d services %d ns, %d services %d ns (%.2f x), the same with %d of"
                    + " them in use %d ns (%.2f x)%n", r + 1, small, as[r], large, bs[r], growth[r], small, cs[r], sizeOnly[r]);
        }
        System.out.printf(Locale.ROOT, "first packet, medians of %d paired rounds: %d services %d ns, %d services %d ns;"
                        + " growth %.2f x (rounds %.2f-%.2f); with %d services in use %.2f x%n", rounds, small,
                (long) ParseBench.median(as), large, (long) ParseBench.median(bs), FirstPackets.median(growth),
                Arrays.stream(growth).min().orElseThrow(), Arrays.stream(growth).max().orElseThrow(), small,
                FirstPackets.median(sizeOnly));
    }

    /** The node of {@code DIR/kp-SERVICES-100000} ({@link EndToEndBench}'s bundle), its text files written anew. */
    private static Bundle bundle(Path parent, int services) throws IOException, BundleOpenException {
        Path dir = parent.resolve("kp-" + services + "-" + FRAMES);
        BenchBundle.writeText(dir, services, BenchBundle.DEFAULT_SEED);
        return new BundleOpener().open(dir).bundle();
    }
}
