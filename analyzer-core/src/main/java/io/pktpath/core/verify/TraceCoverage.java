package io.pktpath.core.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How much of the traffic the kernel trace covers: all of it, or only part (xtables-monitor died on ENOBUFS, or the
 * recording traced a subset on purpose), with the recorder's words for why.
 */
public record TraceCoverage(boolean complete, String note) {
    public static final TraceCoverage COMPLETE = new TraceCoverage(true, "");

    public TraceCoverage {
        Objects.requireNonNull(note, "note");
    }

    /**
     * Reads {@code scenario.env} of a recorded bundle: {@code TRACE_COMPLETE=no} means the trace stops early,
     * {@code TRACE_PAIRS=N} means only the first N exchanges were traced; no file means complete.
     */
    public static TraceCoverage fromScenarioEnv(Path bundleDir) throws IOException {
        Path env = bundleDir.resolve("scenario.env");
        if (!Files.isRegularFile(env)) {
            return COMPLETE;
        }
        for (String line : new String(Files.readAllBytes(env), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (l.equals("TRACE_COMPLETE=no")) {
                return new TraceCoverage(false, "scenario.env: TRACE_COMPLETE=no (xtables-monitor stopped early)");
            }
            if (l.startsWith("TRACE_PAIRS=")) {
                return new TraceCoverage(false, "scenario.env: " + l + " (only that many exchanges were traced)");
            }
        }
        return COMPLETE;
    }
}
