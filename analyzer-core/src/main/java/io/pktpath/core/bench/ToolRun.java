package io.pktpath.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs an anchor tool ({@code tcpdump}, {@code tshark}) on a capture under {@code /usr/bin/time -f %M}, discarding its
 * output, and reports its wall time, CPU time (user + system) and peak RSS; empty when the tool is not installed.
 */
record ToolRun(String label, double seconds, double cpuSeconds, double peakRssMb, int exitCode) {
    static Optional<ToolRun> run(String label, List<String> command) throws InterruptedException {
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        Path rss;
        try {
            rss = Files.createTempFile("pktpath-bench-rss", ".txt");
        } catch (IOException e) {
            return Optional.empty();
        }
        if (timed) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString()));
        }
        cmd.addAll(command);
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int rc = p.waitFor();
            double s = (System.nanoTime() - t0) / 1e9;
            double mb = -1;
            double cpu = -1;
            if (timed) {
                String text = Files.readString(rss).trim();
                String[] lines = text.split("\n");
                String[] f = lines[lines.length - 1].trim().split(" ");
                mb = Long.parseLong(f[0]) / 1e3;
                cpu = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
            }
            if (rc == 127) {
                return Optional.empty();
            }
            return Optional.of(new ToolRun(label, s, cpu, mb, rc));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } finally {
            try {
                Files.deleteIfExists(rss);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }

    String line(long frames, long bytes) {
        return String.format(Locale.ROOT, "  %-30s %7.2f s wall %10.0f frames/s %7.1f MB/s; CPU %7.2f s (%.0f frames per "
                + "CPU-second); peak RSS %5.0f MB%s", label, seconds, frames / seconds, bytes / seconds / 1e6, cpuSeconds,
                frames / cpuSeconds, peakRssMb, exitCode == 0 ? "" : "  (exit " + exitCode + ")");
    }
}
