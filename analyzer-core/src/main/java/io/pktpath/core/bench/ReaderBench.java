package io.pktpath.core.bench;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures read + header decode speed on generated 2-million-frame pcaps (Ethernet and SLL2), best of N runs after
 * warm-up, and times {@code tcpdump -r FILE -w /dev/null} on the same files when tcpdump is installed.
 * Usage: {@code ReaderBench [frames] [runs] [dir]} to generate (once) and measure, or {@code ReaderBench FILE [runs]}.
 */
public final class ReaderBench {
    private ReaderBench() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0 && Files.isRegularFile(Path.of(args[0]))) {
            bench(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 5);
            return;
        }
        long frames = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        for (int linkType : new int[] {LinkType.ETHERNET, LinkType.LINUX_SLL2}) {
            Path file = dir.resolve("pktpath-bench-" + LinkType.name(linkType).toLowerCase(Locale.ROOT) + "-"
                    + frames + ".pcap");
            if (!Files.exists(file)) {
                BenchCaptures.write(file, linkType, frames);
            }
            bench(file, runs);
        }
    }

    /** Runs the reader {@code runs} times after three warm-up runs and prints the best; then times tcpdump. */
    static void bench(Path file, int runs) throws IOException, InterruptedException {
        long size = Files.size(file);
        for (int i = 0; i < 3; i++) {
            readOnce(file);
        }
        long best = Long.MAX_VALUE;
        Result last = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            last = readOnce(file);
            best = Math.min(best, System.nanoTime() - t0);
        }
        double s = best / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d frames, %.1f MB, %d decoded OK; best of %d: %.3f s = %.2f Mframes/s, "
                        + "%.0f MB/s (checksum %d, issues %d)%n", file.getFileName(), last.summary.framesDelivered(),
                size / 1e6, last.ok, runs, s, last.summary.framesDelivered() / s / 1e6, size / s / 1e6,
                last.checksum, last.summary.issues().size());
        tcpdump(file, runs);
    }

    private record Result(CaptureSummary summary, long ok, long checksum) {
    }

    private static Result readOnce(Path file) {
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        long[] acc = new long[2];
        CaptureSummary summary = CaptureReader.open(file).read(f -> {
            decoder.decode(f, view);
            if (view.status() == io.pktpath.core.packet.DecodeStatus.OK) {
                acc[0]++;
            }
            acc[1] += view.srcPort() + view.dstPort() + view.src4() + view.tcpFlags() + f.direction().ordinal();
        });
        return new Result(summary, acc[0], acc[1]);
    }

    private static void tcpdump(Path file, int runs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-w", "/dev/null"));
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                System.out.println("tcpdump: not installed, skipped");
                return;
            }
            if (p.waitFor() != 0) {
                System.out.println("tcpdump: exited with " + p.exitValue());
                return;
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(Locale.ROOT, "tcpdump -r %s -w /dev/null: best of %d: %.3f s%n", file.getFileName(), runs,
                best / 1e9);
    }
}
