package io.pktpath.core.bench;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.replay.KernelNodePath;
import io.pktpath.core.replay.NodeInputs;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iptables.IptablesSaveParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The end-to-end benchmark: generates (once) a kube-proxy bundle with a pod-traffic capture, then measures the
 * {@code iptables-save} parse, the cost of a new connection's first packet, and the full analysis (replay with traces,
 * summary, flows, rule hits) in frames/s, MB/s and peak memory, beside {@code tcpdump -r} and {@code tshark -T fields}
 * on the same capture. Usage: {@code EndToEndBench DIR SERVICES FRAMES [--runs N] [--tools] [--digest] [--capture FILE]
 * [--nft]} (with {@code --capture}, that capture is analyzed against the generated bundle instead of its own; with
 * {@code --nft}, the node runs kube-proxy's nftables mode: the bundle {@code kp-nft-SERVICES-FRAMES} shares the
 * iptables-mode bundle's capture, and the nft ruleset's parse and translation are timed instead).
 */
public final class EndToEndBench {
    private EndToEndBench() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException, InterruptedException, BundleOpenException {
        if (args.length < 3) {
            System.err.println("usage: EndToEndBench DIR SERVICES FRAMES [--runs N] [--tools] [--digest] [--capture FILE] [--nft]");
            System.exit(2);
        }
        int services = Integer.parseInt(args[1]);
        long frames = Long.parseLong(args[2]);
        int runs = 1;
        boolean tools = false;
        boolean digest = false;
        boolean nft = false;
        Optional<Path> capture = Optional.empty();
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--tools" -> tools = true;
                case "--digest" -> digest = true;
                case "--capture" -> capture = Optional.of(Path.of(args[++i]));
                case "--nft" -> nft = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Path.of(args[0]).resolve("kp-" + services + "-" + frames);
        if (nft) {
            Path nftDir = Path.of(args[0]).resolve("kp-nft-" + services + "-" + frames);
            BenchBundle.writeText(nftDir, services, BenchBundle.DEFAULT_SEED, true);
            if (!Files.exists(nftDir.resolve("capture.pcap"))) {
                // the same cluster's traffic: the iptables-mode bundle's capture, generated once
                if (!Files.exists(dir.resolve("capture.pcap"))) {
                    BenchBundle.write(dir, services, frames, BenchBundle.DEFAULT_SEED);
                }
                Files.createSymbolicLink(nftDir.resolve("capture.pcap"), dir.resolve("capture.pcap").toAbsolutePath());
            }
            dir = nftDir;
        } else if (!Files.exists(dir.resolve("capture.pcap"))) {
            long t0 = System.nanoTime();
            BenchBundle.write(dir, services, frames, BenchBundle.DEFAULT_SEED);
            System.out.printf(Locale.ROOT, "generated %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
        } else {
            BenchBundle.writeText(dir, services, BenchBundle.DEFAULT_SEED);
        }
        Path pcap = capture.orElse(dir.resolve("capture.pcap"));
        System.out.printf(Locale.ROOT, "bundle %s, capture %s (%.1f MB), java %s, %d cpus, max heap %d MB%n", dir, pcap,
                Files.size(pcap) / 1e6, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println(JvmDescription.line());
        Bundle bundle;
        if (nft) {
            parseNft(dir.resolve("nft-ruleset.txt"));
            bundle = new BundleOpener().open(dir).bundle();
        } else {
            parse(dir.resolve("iptables-save.txt"));
            bundle = new BundleOpener().open(dir).bundle();
            compile(bundle);
        }
        firstPacket(bundle, KubeCluster.generate(services, BenchBundle.DEFAULT_SEED));
        double seconds = 0;
        for (int r = 0; r < runs; r++) {
            seconds = analyze(bundle, pcap, digest);
        }
        if (tools) {
            tools(pcap, seconds);
        }
    }

    /** Parses the rules three times and prints the best time. */
    static void parse(Path rules) throws IOException {
        String text = Files.readString(rules, StandardCharsets.UTF_8);
        long best = Long.MAX_VALUE;
        int count = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            var parsed = IptablesSaveParser.parse(rules.getFileName().toString(), text);
            best = Math.min(best, System.nanoTime() - t0);
            count = parsed.value().tables().stream().mapToInt(t -> t.chains().stream().mapToInt(c -> c.rules().size()).sum()).sum();
        }
        System.out.printf(Locale.ROOT, "parse iptables-save: %d rules, %.1f MB, best of 3: %.3f s%n", count,
                text.length() / 1e6, best / 1e9);
    }

    /**
     * Parses kube-proxy's nftables ruleset, decides which base chains are replayed and translates them, and compiles the
     * translated IPv4 rules (with chain indexes), three times, and prints the best time of each step.
     */
    static void parseNft(Path rules) throws IOException {
        String text = Files.readString(rules, StandardCharsets.UTF_8);
        long bestParse = Long.MAX_VALUE;
        long bestTranslate = Long.MAX_VALUE;
        long bestCompile = Long.MAX_VALUE;
        int replayed = 0;
        int translated = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            io.pktpath.parser.nft.NftRuleset ruleset = io.pktpath.parser.nft.NftRulesetParser
                    .parse(rules.getFileName().toString(), text).value();
            long t1 = System.nanoTime();
            io.pktpath.parser.nft.NftNativeReplay replay = io.pktpath.parser.nft.NftNativeReplay.of(ruleset);
            long t2 = System.nanoTime();
            CompiledRuleset.compile(replay.ruleset(io.pktpath.parser.net.IpFamily.V4));
            long t3 = System.nanoTime();
            bestParse = Math.min(bestParse, t1 - t0);
            bestTranslate = Math.min(bestTranslate, t2 - t1);
            bestCompile = Math.min(bestCompile, t3 - t2);
            replayed = replay.chains().size();
            translated = replay.ruleset(io.pktpath.parser.net.IpFamily.V4).tables().stream()
                    .mapToInt(t -> t.chains().stream().mapToInt(c -> c.rules().size()).sum()).sum();
        }
        System.out.printf(Locale.ROOT, "nft ruleset: %.1f MB; best of 3: parse %.3f s, decide and translate %.3f s"
                + " (%d base chains replayed, %d rules), compile %.3f s%n", text.length() / 1e6, bestParse / 1e9,
                bestTranslate / 1e9, replayed, translated, bestCompile / 1e9);
    }

    /** Compiles the IPv4 ruleset (with chain indexes) three times and prints the best CPU times (thread, process). */
    static void compile(Bundle bundle) {
        if (bundle.rulesetV4().isEmpty()) {
            return;
        }
        long best = Long.MAX_VALUE;
        long bestProcess = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = RunStats.threadCpuNanos();
            long p0 = RunStats.processCpuNanos();
            CompiledRuleset.compile(bundle.rulesetV4().get());
            best = Math.min(best, RunStats.threadCpuNanos() - t0);
            bestProcess = Math.min(bestProcess, RunStats.processCpuNanos() - p0);
        }
        System.out.printf(Locale.ROOT, "compile IPv4 ruleset: best of 3: %.3f s CPU (whole process, GC included: %.3f s)%n",
                best / 1e9, bestProcess / 1e9);
    }

    /** Services the second first-packet figure sends to, whatever the ruleset's size (the smallest workload's count). */
    static final int SAME_SERVICES = 100;
    private static final int ROUNDS = 9;

    /**
     * The CPU cost of a new connection's first packet through the node: the median of {@link #ROUNDS} rounds of 20,000
     * packets to random services (after ten untimed rounds), and, on a larger cluster, the same to only
     * {@link #SAME_SERVICES} of them, which separates what the ruleset's size costs from what touching more services'
     * rules costs (memory the caches no longer hold). {@link FirstPacketGrowthBench} compares two rulesets in paired
     * rounds.
     */
    static void firstPacket(Bundle bundle, KubeCluster cluster) {
        FirstPackets all = new FirstPackets(bundle, BenchPackets.firstPackets(cluster, 20_000, 7));
        long[] a = rounds(all);
        System.out.printf(Locale.ROOT, "first packet of a new connection (ingress path, first branch): %d ns CPU (median of %d"
                + " rounds, %d-%d; %d steps)%n", (long) ParseBench.median(a), ROUNDS, a[0], a[ROUNDS - 1], all.steps());
        if (cluster.services().size() > SAME_SERVICES) {
            long[] s = rounds(new FirstPackets(bundle, BenchPackets.firstPackets(cluster, 20_000, 7, SAME_SERVICES)));
            System.out.printf(Locale.ROOT, "first packet, %d of the %d services in use: %d ns CPU (median, %d-%d)%n",
                    SAME_SERVICES, cluster.services().size(), (long) ParseBench.median(s), s[0], s[ROUNDS - 1]);
        }
    }

    /** {@link #ROUNDS} timed rounds after ten untimed ones, sorted. */
    private static long[] rounds(FirstPackets packets) {
        for (int warm = 0; warm < 10; warm++) {
            packets.round();
        }
        long[] rounds = new long[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            rounds[r] = packets.round();
        }
        Arrays.sort(rounds);
        return rounds;
    }

    /** One full analysis of the capture; prints frames/s, MB/s, peak heap and RSS, and a digest of every trace. */
    static double analyze(Bundle bundle, Path pcap, boolean textDigest) throws IOException {
        long build0 = RunStats.threadCpuNanos();
        new KernelNodePath(NodeInputs.of(Analyzer.network(bundle), bundle.rulesetV4(), bundle.rulesetV6(),
                CtTimeouts.from(bundle.sysctls())));
        double build = (RunStats.threadCpuNanos() - build0) / 1e9;
        RunStats.resetPeaks();
        long gc0 = RunStats.gcMillis();
        long[] digest = {1};
        long t0 = System.nanoTime();
        long cpu0 = RunStats.threadCpuNanos();
        long proc0 = RunStats.processCpuNanos();
        AnalysisResult result;
        Map<String, Double> helpers;
        Map<String, Long> helperBytes;
        long replayThread = Thread.currentThread().getId();
        long bytes0 = RunStats.allocatedBytes(replayThread);
        try (ThreadCpuSampler sampler = new ThreadCpuSampler()) {
            result = Analyzer.analyze(bundle, Optional.of(pcap), AnalysisOptions.DEFAULT,
                    t -> digest[0] = digest[0] * 31 + (textDigest ? t.toString().hashCode() : digest(t)), n -> { },
                    () -> false);
            helpers = sampler.seconds();
            helperBytes = sampler.allocatedBytes();
        }
        long replayBytes = RunStats.allocatedBytes(replayThread) - bytes0;
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (RunStats.threadCpuNanos() - cpu0) / 1e9;
        double proc = (RunStats.processCpuNanos() - proc0) / 1e9;
        long frames = result.capture().map(c -> c.framesDelivered()).orElse(0L);
        System.out.printf(Locale.ROOT, "pktpath full analysis: %d frames in %.2f s = %.0f frames/s, %.1f MB/s; "
                        + "peak heap %.0f MB, peak RSS %.0f MB; %d flows; trace digest %016x%n", frames, s, frames / s,
                Files.size(pcap) / s / 1e6, RunStats.peakHeapMb(), RunStats.peakRssMb(), result.flows().size(), digest[0]);
        System.out.printf(Locale.ROOT, "  CPU: replay thread %.2f s (%.0f frames per CPU-second), whole process %.2f s "
                + "(reader thread, GC, JIT included)%n", cpu, frames / cpu, proc);
        System.out.printf(Locale.ROOT, "  of which building the node (network, rules compiled) %.2f s CPU; replay alone %.0f frames"
                + " per CPU-second of the replay thread; GC %.2f s%n", build, frames / Math.max(1e-9, cpu - build),
                (RunStats.gcMillis() - gc0) / 1e3);
        StringBuilder threads = new StringBuilder();
        helpers.forEach((name, sec) -> threads.append(String.format(Locale.ROOT, "%s %.2f s, ", name, sec)));
        System.out.println("  other threads' CPU (sampled every 20 ms): " + threads + "the bench's trace digest runs on"
                + " pktpath-report");
        StringBuilder allocated = new StringBuilder(String.format(Locale.ROOT, "replay thread %.0f", replayBytes / (double) frames));
        helperBytes.forEach((name, b) -> allocated.append(String.format(Locale.ROOT, ", %s %.0f", name, b / (double) frames)));
        System.out.println("  allocated, bytes per frame: " + allocated);
        System.out.println("  roles " + result.summary().roles() + ", dispositions " + result.summary().dispositions());
        return s;
    }

    /**
     * A cheap fold of a trace (frame, role, disposition, number of steps, flow, correlated frames), so that the sink
     * costs about what a consumer that discards traces costs; {@code --digest} folds the whole trace's text instead,
     * comparable across runs and machines (and much more expensive: it renders every step of every frame).
     */
    static long digest(PacketTrace t) {
        return ((t.packet().frame() * 31 + t.role().ordinal()) * 31 + t.disposition().ordinal()) * 31
                + t.path().size() * 31L + t.flowId() * 13 + t.correlated().size() + t.alternatives().size();
    }

    /** The anchor's fields since session 1: the frame, its addresses and TCP ports. */
    static final List<String> FIVE_FIELDS = List.of("frame.number", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport");

    /**
     * The fields pktpath's decoder reads from every frame ({@code DecodedPacket}'s link, IP, transport and ICMP
     * fields), so that tshark extracts what the analysis starts from.
     */
    static final List<String> DECODED_FIELDS = List.of("frame.number", "frame.time_epoch", "frame.len", "sll.pkttype",
            "sll.ifindex", "sll.etype", "ip.src", "ip.dst", "ip.proto", "ip.dsfield", "ip.id", "ip.ttl", "ip.len",
            "ip.hdr_len", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "tcp.srcport", "tcp.dstport", "tcp.flags",
            "tcp.seq_raw", "tcp.ack_raw", "tcp.window_size_value", "tcp.hdr_len", "tcp.options.mss_val", "tcp.len",
            "udp.srcport", "udp.dstport", "udp.length", "icmp.type", "icmp.code");

    static List<String> tshark(Path pcap, List<String> fields) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-T", "fields"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        return cmd;
    }

    /** tcpdump and tshark (with the anchor's five fields, then with every field pktpath decodes), output discarded. */
    static void tools(Path pcap, double pktpathSeconds) throws InterruptedException, IOException {
        long bytes = Files.size(pcap);
        List<ToolRun> runs = new ArrayList<>();
        ToolRun.run("tcpdump -n -r FILE", List.of("tcpdump", "-n", "-r", pcap.toString())).ifPresent(runs::add);
        ToolRun.run("tshark -T fields (5 fields)", tshark(pcap, FIVE_FIELDS)).ifPresent(runs::add);
        ToolRun.run("tshark -T fields (" + DECODED_FIELDS.size() + " fields)", tshark(pcap, DECODED_FIELDS))
                .ifPresent(runs::add);
        long frames = countFrames(pcap);
        for (ToolRun r : runs) {
            System.out.println(r.line(frames, bytes));
            System.out.printf(Locale.ROOT, "  pktpath's full analysis (%.2f s wall, last run above) took %.3f x the time of %s%n",
                    pktpathSeconds, pktpathSeconds / r.seconds(), r.label());
        }
    }

    private static long countFrames(Path pcap) {
        return io.pktpath.core.capture.CaptureReader.open(pcap).read(f -> { }).framesDelivered();
    }
}
