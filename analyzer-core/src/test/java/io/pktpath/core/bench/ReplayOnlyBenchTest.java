package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay-only bench on a small generated bundle: every run replays every frame to the same traces, and with
 * {@code --against} a second copy of pktpath, loaded from this JVM's class path in a class loader of its own, alternates
 * with this one and gives the same traces.
 */
class ReplayOnlyBenchTest {
    private static final Pattern RUN = Pattern.compile("run (\\d+), (this|other) build: [0-9.]+ s CPU, \\d+ frames per"
            + " CPU-second, \\d+ bytes allocated per frame, trace digest ([0-9a-f]{16})");

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        BenchBundle.write(dir, 20, 4_000, BenchBundle.DEFAULT_SEED);
    }

    private static List<String> run(String... args) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ReplayOnlyBench.main(args);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyRunReplaysEveryFrameToTheSameTraces() throws Exception {
        List<String> lines = run(dir.toString(), "--runs", "4");
        assertTrue(lines.contains("this build: 4000 frames decoded"), String.join("\n", lines));
        List<Matcher> runs = lines.stream().map(RUN::matcher).filter(Matcher::matches).toList();
        assertEquals(4, runs.size(), String.join("\n", lines));
        assertEquals(1, runs.stream().map(m -> m.group(3)).collect(Collectors.toSet()).size(), "one digest for every run");
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("this build: runs 4-4 median [0-9.]+ s CPU \\(\\d+ frames per CPU-second\\), best [0-9.]+ s"), last);
    }

    @Test
    void anotherBuildAlternatesWithThisOneAndGivesTheSameTraces() throws Exception {
        List<String> lines = run(dir.toString(), "--runs", "5", "--against", System.getProperty("java.class.path"));
        List<Matcher> runs = lines.stream().map(RUN::matcher).filter(Matcher::matches).toList();
        assertEquals(10, runs.size(), String.join("\n", lines));
        // the build that goes first changes every run
        assertEquals(List.of("this", "other", "other", "this", "this", "other", "other", "this", "this", "other"),
                runs.stream().map(m -> m.group(2)).toList());
        assertEquals(Set.of(runs.get(0).group(3)), runs.stream().map(m -> m.group(3)).collect(Collectors.toSet()));
        assertTrue(lines.get(lines.size() - 1).matches(
                "this build / other build, CPU per run pair: median [0-9.]+, range [0-9.]+-[0-9.]+"), lines.get(lines.size() - 1));
    }

    @Test
    void sinksTimeTheReportThreadsWorkOverOneReplaysTracesWithOneDigest() throws Exception {
        Pattern sinkRun = Pattern.compile("run (\\d+), (this|other) build: [0-9.]+ s CPU, \\d+ frames per CPU-second, \\d+"
                + " bytes allocated per frame, summary and findings digest ([0-9a-f]{16})");
        List<String> lines = run(dir.toString(), "--runs", "4", "--sinks", "--against", System.getProperty("java.class.path"));
        assertTrue(lines.contains("this build: 4000 frames decoded") && lines.contains("other build: 4000 frames decoded"),
                String.join("\n", lines));
        List<Matcher> runs = lines.stream().map(sinkRun::matcher).filter(Matcher::matches).toList();
        assertEquals(8, runs.size(), String.join("\n", lines));
        assertEquals(1, runs.stream().map(m -> m.group(3)).collect(Collectors.toSet()).size(),
                "the same summary and findings in every run of both builds");
    }

    @Test
    void aDirectoryWithoutACaptureIsRefusedWithItsName(@TempDir Path empty) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplayOnlyBench.main(new String[] {empty.toString()}));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("capture.pcap"), e.getMessage());
    }
}
