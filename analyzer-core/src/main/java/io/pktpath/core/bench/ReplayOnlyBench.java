package io.pktpath.core.bench;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.Summary;
import io.pktpath.core.analysis.SummaryCollector;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.findings.Finding;
import io.pktpath.core.findings.FindingCollector;
import io.pktpath.core.replay.DecodedCapture;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.PacketConverter;
import io.pktpath.core.replay.ReplayLoop;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The replay alone, on one thread, over a capture decoded into memory beforehand: no reader or report thread shares the
 * two cores and their caches, so its CPU time moves far less from run to run than the full analysis's replay thread
 * (which is what {@link EndToEndBench} reports). With {@code --against CLASSPATH} it loads a second build of pktpath
 * (another checkout's class directories and its dependencies) in a class loader of its own and alternates the two
 * builds' runs in this one JVM, so that the machine's drift falls on both alike: the way to compare two builds here.
 *
 * <p>With {@code --sinks} it times, instead of the replay, what the full analysis's report thread does with the traces:
 * the traces of one replay are kept in memory, and each run hands all of them to a fresh {@link SummaryCollector} and
 * {@link FindingCollector} and makes the summary and the findings.
 *
 * <p>Usage: {@code ReplayOnlyBench BUNDLE_DIR [--runs N] [--against CLASSPATH] [--sinks]}.
 */
public final class ReplayOnlyBench {
    /** Runs not counted in the medians: the compilers are still at work in them. */
    static final int WARMUP_RUNS = 3;

    private static Bundle bundle;
    private static DecodedCapture capture;
    private static int frameCount;
    /** With {@code --sinks}: the traces of one replay, the node it ran on, and the capture's last frame time. */
    private static List<PacketTrace> traces;
    private static KernelNodePath replayedNode;
    private static long lastNanos;

    private ReplayOnlyBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ReplayOnlyBench BUNDLE_DIR [--runs N] [--against CLASSPATH] [--sinks]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int runs = 8;
        String against = null;
        boolean sinks = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--against" -> against = args[++i];
                case "--sinks" -> sinks = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!Files.exists(dir.resolve("capture.pcap"))) {
            throw new IllegalArgumentException(dir + " has no capture.pcap (write one with BenchBundle)");
        }
        System.out.println(JvmDescription.line());
        List<Build> builds = new ArrayList<>();
        builds.add(Build.of("this build", ReplayOnlyBench.class, sinks));
        if (against != null) {
            builds.add(Build.load("other build", against, sinks));
        }
        for (Build b : builds) {
            System.out.printf(Locale.ROOT, "%s: %s frames decoded%n", b.name, b.prepare.invoke(null, dir));
        }
        double[][] cpu = new double[builds.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < builds.size(); k++) {
                int i = r % 2 == 0 ? k : builds.size() - 1 - k; // alternate which build goes first
                long[] m = (long[]) builds.get(i).replay.invoke(null);
                cpu[i][r] = m[1] / 1e9;
                System.out.printf(Locale.ROOT, "run %d, %s: %.3f s CPU, %.0f frames per CPU-second, %.0f bytes allocated per"
                        + " frame, %s digest %016x%n", r + 1, builds.get(i).name, cpu[i][r], m[0] / cpu[i][r],
                        m[2] / (double) m[0], sinks ? "summary and findings" : "trace", m[3]);
            }
        }
        if (runs <= WARMUP_RUNS) {
            return;
        }
        for (int i = 0; i < builds.size(); i++) {
            double[] c = Arrays.copyOfRange(cpu[i], WARMUP_RUNS, runs);
            Arrays.sort(c);
            double median = FirstPackets.median(c);
            System.out.printf(Locale.ROOT, "%s: runs %d-%d median %.3f s CPU (%.0f frames per CPU-second), best %.3f s%n",
                    builds.get(i).name, WARMUP_RUNS + 1, runs, median, frameCount / median, c[0]);
        }
        if (builds.size() == 2) {
            double[] ratio = new double[runs - WARMUP_RUNS];
            for (int r = WARMUP_RUNS; r < runs; r++) {
                ratio[r - WARMUP_RUNS] = cpu[0][r] / cpu[1][r];
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "this build / other build, CPU per run pair: median %.3f, range %.3f-%.3f%n",
                    FirstPackets.median(ratio), ratio[0], ratio[ratio.length - 1]);
        }
    }

    /** Opens the bundle and decodes its whole capture into memory; returns the number of frames. */
    public static int prepare(Path dir) throws BundleOpenException {
        bundle = new BundleOpener().open(dir).bundle();
        CaptureReader reader = CaptureReader.open(dir.resolve("capture.pcap"), Analyzer.network(bundle)::interfaceName);
        AnalysisOptions o = AnalysisOptions.DEFAULT;
        capture = DecodedCapture.read(reader, new PacketConverter(o.captureIface(), o.captureDirection()));
        frameCount = capture.size();
        return frameCount;
    }

    /**
     * One replay of the decoded capture against a node built afresh (not timed): {frames, CPU nanoseconds of this
     * thread, bytes it allocated, a digest of every trace}.
     */
    public static long[] replayOnce() {
        ReplayLoop loop = new ReplayLoop(Analyzer.nodePath(bundle, Analyzer.network(bundle), AnalysisOptions.DEFAULT.replay()),
                AnalysisOptions.DEFAULT.replay());
        long thread = Thread.currentThread().getId();
        long[] digest = {1};
        long bytes0 = RunStats.allocatedBytes(thread);
        long cpu0 = RunStats.threadCpuNanos();
        long frames = loop.replay(capture, t -> digest[0] = digest[0] * 31 + EndToEndBench.digest(t));
        long cpu = RunStats.threadCpuNanos() - cpu0;
        return new long[] {frames, cpu, RunStats.allocatedBytes(thread) - bytes0, digest[0]};
    }

    /** {@link #prepare}, then one replay whose traces are kept for {@link #sinksOnce}; returns the number of frames. */
    public static int prepareTraces(Path dir) throws BundleOpenException {
        int frames = prepare(dir);
        replayedNode = Analyzer.nodePath(bundle, Analyzer.network(bundle), AnalysisOptions.DEFAULT.replay());
        ReplayLoop loop = new ReplayLoop(replayedNode, AnalysisOptions.DEFAULT.replay());
        traces = new ArrayList<>(frames);
        loop.replay(capture, t -> {
            traces.add(t);
            lastNanos = Math.max(lastNanos, t.packet().timeNanos());
        });
        capture = null;
        return frames;
    }

    /**
     * The report thread's work on the kept traces: a fresh summary and findings collector take every trace, then make
     * the summary and the findings: {frames, CPU nanoseconds of this thread, bytes it allocated, a digest of both}.
     */
    public static long[] sinksOnce() {
        long thread = Thread.currentThread().getId();
        long bytes0 = RunStats.allocatedBytes(thread);
        long cpu0 = RunStats.threadCpuNanos();
        SummaryCollector summary = new SummaryCollector();
        FindingCollector findings = new FindingCollector(bundle);
        for (int i = 0; i < traces.size(); i++) {
            PacketTrace t = traces.get(i);
            // as the full analysis's report thread does: the path's conntrack lookup found once for both
            ConntrackStep ct = t.firstConntrackStep();
            summary.accept(t, ct);
            findings.accept(t, ct);
        }
        Summary made = summary.summary();
        List<Finding> found = findings.findings(replayedNode.conntrack().flowsView(lastNanos), replayedNode.races(),
                lastNanos);
        long cpu = RunStats.threadCpuNanos() - cpu0;
        long bytes = RunStats.allocatedBytes(thread) - bytes0;
        long digest = made.toString().hashCode() * 31L + found.toString().hashCode();
        return new long[] {traces.size(), cpu, bytes, digest};
    }

    /** A build to time: its preparation and its timed run ({@link #replayOnce} or {@link #sinksOnce}). */
    private record Build(String name, Method prepare, Method replay) {
        /** The methods of {@code bench} (this class, of this build or another) that {@code sinks} or the replay times. */
        static Build of(String name, Class<?> bench, boolean sinks) throws NoSuchMethodException {
            return new Build(name, bench.getMethod(sinks ? "prepareTraces" : "prepare", Path.class),
                    bench.getMethod(sinks ? "sinksOnce" : "replayOnce"));
        }

        /** This class of another build, from its class path, in a class loader that sees none of this build. */
        static Build load(String name, String classPath, boolean sinks) throws ClassNotFoundException, NoSuchMethodException,
                MalformedURLException {
            List<URL> urls = new ArrayList<>();
            for (String entry : classPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            return of(name, loader.loadClass(ReplayOnlyBench.class.getName()), sinks);
        }
    }
}
