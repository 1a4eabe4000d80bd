package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code pktpath} launcher starts the JVM with its measured options, lets {@code PKTPATH_JAVA_OPTS}
 * override them, never names a second collector, keeps the JVM's collector where the heap is small or sized by the
 * user (and with it the JVM's young generation, which the throughput collector's 128 MiB replaces otherwise unless the
 * user sizes it, its initial heap of 1 GiB unless the user sizes that, and its tenuring at the first collection unless
 * the user sets one), and uses the quick compiler only unless an input of 64 MiB or more is named: the real script is run against a stand-in {@code java} that prints the arguments it was given.
 */
class LauncherJvmOptionsTest {

    private static final String QUICK = "-XX:TieredStopAtLevel=1";
    /** For large inputs: the collector (on a large heap) with its young generation, and the inlining limits. */
    private static final List<String> LARGE_INPUT =
            List.of("-XX:+UseParallelGC", "-Xmn128m", "-Xms1g", "-XX:MaxTenuringThreshold=0", "-XX:InlineSmallCode=1000",
                    "-XX:MaxInlineLevel=9");
    /** For small inputs (and commands that name none): the quick compiler only, as well. */
    private static final List<String> DEFAULTS = then(LARGE_INPUT, QUICK);
    private static final List<String> INLINING = List.of("-XX:InlineSmallCode=1000", "-XX:MaxInlineLevel=9");
    private static final List<String> SMALL_HEAP = then(INLINING, QUICK);
    private static final String GIB_16 = String.valueOf(16L * 1024 * 1024);

    @Test
    void withoutUserOptionsTheLauncherPassesItsOwn(@TempDir Path dir) throws Exception {
        List<String> args = launch(dir, GIB_16, "", "analyze", "bundle dir");
        assertEquals(then(DEFAULTS, "-jar", dir.resolve("root/cli/target/pktpath-cli.jar").toString(), "analyze",
                "bundle dir"), args);
    }

    @Test
    void userOptionsComeAfterTheDefaultsSoTheyWin(@TempDir Path dir) throws Exception {
        List<String> args = launch(dir, GIB_16, "-XX:MaxInlineLevel=15 -ea", "rules", "check");
        assertEquals(DEFAULTS, args.subList(0, DEFAULTS.size()));
        assertEquals(List.of("-XX:MaxInlineLevel=15", "-ea", "-jar"),
                args.subList(DEFAULTS.size(), DEFAULTS.size() + 3));
    }

    @Test
    void aHeapUnderTwoGibSetByTheUserKeepsTheJvmsCollector(@TempDir Path dir) throws Exception {
        for (String heap : List.of("-Xmx512m", "-Xmx2047m", "-XX:MaxHeapSize=1g", "-Xmx2097151k",
                "-XX:MaxHeapSize=2147483647", "-Xmx4g -Xmx1g", "-XX:MaxRAMPercentage=50", "-Xmxlots")) {
            List<String> args = launch(dir, GIB_16, heap, "analyze");
            assertEquals(SMALL_HEAP, args.subList(0, 3), heap);
            assertEquals(List.of(heap.split(" ")), args.subList(3, 3 + heap.split(" ").length), heap);
        }
    }

    @Test
    void aHeapOfTwoGibOrMoreSetByTheUserGetsTheThroughputCollectorOnAnyMachine(@TempDir Path dir) throws Exception {
        String small = String.valueOf(2L * 1024 * 1024);
        for (String heap : List.of("-Xmx2g", "-Xmx2048m", "-Xmx8G", "-XX:MaxHeapSize=2147483648", "-Xmx1t",
                "-Xmx1g -Xmx3g")) {
            List<String> args = launch(dir, small, heap, "analyze");
            assertEquals(DEFAULTS, args.subList(0, DEFAULTS.size()), heap);
        }
    }

    @Test
    void underEightGibOfMemoryTheDefaultHeapIsSmallAndKeepsTheJvmsCollector(@TempDir Path dir) throws Exception {
        String justUnder = String.valueOf(8L * 1024 * 1024 - 1);
        assertEquals(SMALL_HEAP, launch(dir, justUnder, "", "analyze").subList(0, 3));
        assertEquals("-jar", launch(dir, justUnder, "", "analyze").get(3));
        assertEquals(DEFAULTS,
                launch(dir, String.valueOf(8L * 1024 * 1024), "", "analyze").subList(0, DEFAULTS.size()));
    }

    @Test
    void aYoungGenerationSizedByTheUserReplacesTheLaunchersOne(@TempDir Path dir) throws Exception {
        List<String> own = List.of("-XX:+UseParallelGC", "-Xms1g", "-XX:MaxTenuringThreshold=0",
                "-XX:InlineSmallCode=1000", "-XX:MaxInlineLevel=9", QUICK);
        for (String young : List.of("-Xmn512m", "-XX:NewSize=64m", "-XX:MaxNewSize=1g", "-XX:NewRatio=3")) {
            List<String> args = launch(dir, GIB_16, young, "analyze");
            assertEquals(then(own, young, "-jar"), args.subList(0, own.size() + 2), young);
        }
    }

    @Test
    void anInitialHeapSizedByTheUserReplacesTheLaunchersOne(@TempDir Path dir) throws Exception {
        List<String> own = List.of("-XX:+UseParallelGC", "-Xmn128m", "-XX:MaxTenuringThreshold=0",
                "-XX:InlineSmallCode=1000", "-XX:MaxInlineLevel=9", QUICK);
        for (String initial : List.of("-Xms4g", "-XX:InitialHeapSize=268435456")) {
            List<String> args = launch(dir, GIB_16, initial, "analyze");
            assertEquals(then(own, initial, "-jar"), args.subList(0, own.size() + 2), initial);
        }
    }

    @Test
    void aTenuringChosenByTheUserReplacesTheLaunchersOne(@TempDir Path dir) throws Exception {
        List<String> own = List.of("-XX:+UseParallelGC", "-Xmn128m", "-Xms1g", "-XX:InlineSmallCode=1000",
                "-XX:MaxInlineLevel=9", QUICK);
        for (String tenuring : List.of("-XX:MaxTenuringThreshold=15", "-XX:InitialTenuringThreshold=7",
                "-XX:+AlwaysTenure", "-XX:+NeverTenure")) {
            List<String> args = launch(dir, GIB_16, tenuring, "analyze");
            assertEquals(then(own, tenuring, "-jar"), args.subList(0, own.size() + 2), tenuring);
        }
    }

    @Test
    void aCollectorChosenByTheUserReplacesTheLaunchersCollector(@TempDir Path dir) throws Exception {
        for (String collector : List.of("-XX:+UseG1GC", "-XX:+UseSerialGC", "-XX:+UseZGC")) {
            List<String> args = launch(dir, GIB_16, "-ea " + collector, "analyze");
            assertEquals(then(SMALL_HEAP, "-ea", collector, "-jar"), args.subList(0, 6), collector);
        }
    }

    @Test
    void theGuiGetsTheInliningLimitsButKeepsTheJvmsCollector(@TempDir Path dir) throws Exception {
        List<String> args = launch(dir, GIB_16, "-Xss2m", "gui", "x");
        assertEquals(then(INLINING, "-Xss2m", "-jar"), args.subList(0, 4));
        assertTrue(args.get(4).endsWith("desktop-ui/target/pktpath-gui.jar"), args.toString());
        assertEquals(List.of("x"), args.subList(5, args.size()));
    }

    @Test
    void aClassSharingArchiveIsMadeOncePerBuildFromTheSampleAndUsed(@TempDir Path dir) throws Exception {
        launch(dir, GIB_16, "", "analyze");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("samples/bundles/clusterip-tcp"));
        Path archive = root.resolve("cli/target/pktpath-cli.jsa");
        Path log = dir.resolve("jdk/bin/training.log");
        List<String> withArchive = then(DEFAULTS, "-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off", "-ea", "-jar");

        assertEquals(withArchive, launch(dir, GIB_16, "-ea", "explain", "x", "7").subList(0, withArchive.size()));
        List<String> training = Files.readAllLines(log);
        assertEquals(1, training.size());
        assertEquals("-XX:+UseParallelGC -Xmn128m -Xms1g -XX:MaxTenuringThreshold=0 -XX:InlineSmallCode=1000"
                + " -XX:MaxInlineLevel=9"
                + " -XX:TieredStopAtLevel=1 -Xlog:cds*=off -XX:ArchiveClassesAtExit=" + archive + "." + training.get(0).replaceAll(".*\\.jsa\\.(\\d+) .*", "$1")
                + " -jar " + root.resolve("cli/target/pktpath-cli.jar") + " analyze "
                + root.resolve("samples/bundles/clusterip-tcp"), training.get(0));
        assertTrue(Files.exists(archive));

        assertEquals(withArchive, launch(dir, GIB_16, "-ea", "analyze").subList(0, withArchive.size()));
        assertEquals(1, Files.readAllLines(log).size(), "the archive is made once");

        Files.setLastModifiedTime(root.resolve("cli/target/pktpath-cli.jar"),
                FileTime.from(Files.getLastModifiedTime(archive).toInstant().plusSeconds(60)));
        assertEquals(withArchive, launch(dir, GIB_16, "-ea", "analyze").subList(0, withArchive.size()));
        assertEquals(2, Files.readAllLines(log).size(), "a newer jar gets a new archive");

        Path jvm = root.resolve("cli/target/pktpath-cli.jsa.jvm");
        assertEquals(List.of(dir.resolve("jdk/bin/java").toRealPath().toString()), Files.readAllLines(jvm));
        Files.writeString(jvm, "/another/jdk/bin/java\n");
        assertEquals(withArchive, launch(dir, GIB_16, "-ea", "analyze").subList(0, withArchive.size()));
        assertEquals(3, Files.readAllLines(log).size(), "an archive made by another JVM is made again");
    }

    @Test
    void withoutAWorkingArchiveTheCliStartsWithoutOne(@TempDir Path dir) throws Exception {
        launch(dir, GIB_16, "", "analyze");
        Files.createDirectories(dir.resolve("root/samples/bundles/clusterip-tcp"));
        assertEquals(then(DEFAULTS, "-jar"), launch(dir, GIB_16, "", true, "analyze").subList(0, DEFAULTS.size() + 1));
        try (var files = Files.list(dir.resolve("root/cli/target"))) {
            assertEquals(List.of("pktpath-cli.jar", "pktpath-cli.jsa.jvm"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no archive and no half-made one is left, only the note of the attempt");
        }
        assertEquals(then(DEFAULTS, "-jar"), launch(dir, GIB_16, "", true, "analyze").subList(0, DEFAULTS.size() + 1));
        assertEquals(1, Files.readAllLines(dir.resolve("jdk/bin/training.log")).size(),
                "a JVM that cannot make an archive is not asked again for the same jar");
    }

    @Test
    void aCaptureOf64MibOrMoreKeepsTheOptimisingCompiler(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle/node1");
        Files.createDirectories(bundle);
        Path capture = sparse(bundle.resolve("capture.pcap"), 64);
        List<String> large = then(LARGE_INPUT, "-jar");
        int n = large.size();
        assertEquals(large, launch(dir, GIB_16, "", "analyze", "--capture", capture.toString()).subList(0, n));
        assertEquals(large, launch(dir, GIB_16, "", "analyze", "--capture=" + capture).subList(0, n));
        assertEquals(large, launch(dir, GIB_16, "", "analyze", dir.resolve("bundle").toString()).subList(0, n),
                "a directory counts by its largest file");
        sparse(capture, 63);
        assertEquals(then(DEFAULTS, "-jar"),
                launch(dir, GIB_16, "", "analyze", dir.resolve("bundle").toString()).subList(0, DEFAULTS.size() + 1));
    }

    @Test
    void anArchiveCountsFourTimesItsSize(@TempDir Path dir) throws Exception {
        Path archive = sparse(dir.resolve("bundle.tar.gz"), 16);
        assertEquals(then(LARGE_INPUT, "-jar"),
                launch(dir, GIB_16, "", "analyze", archive.toString()).subList(0, LARGE_INPUT.size() + 1));
        sparse(archive, 15);
        assertEquals(then(DEFAULTS, "-jar"),
                launch(dir, GIB_16, "", "analyze", archive.toString()).subList(0, DEFAULTS.size() + 1));
    }

    @Test
    void userOptionsStillWinOverTheQuickCompiler(@TempDir Path dir) throws Exception {
        List<String> args = launch(dir, GIB_16, "-XX:TieredStopAtLevel=4", "analyze", "small");
        assertEquals(then(DEFAULTS, "-XX:TieredStopAtLevel=4", "-jar"), args.subList(0, DEFAULTS.size() + 2));
    }

    /** A file of {@code mib} MiB that takes no disk space. */
    private static Path sparse(Path file, long mib) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(mib * 1024 * 1024);
        }
        return file;
    }

    /** {@code first} followed by {@code rest}. */
    private static List<String> then(List<String> first, String... rest) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(rest)).toList();
    }

    /**
     * Copies the launcher into a root whose jars are newer than its pom (so nothing is built), runs it with
     * {@code JAVA_HOME} on a script that prints its arguments one per line and {@code memoryKb} as the machine's
     * memory, and returns the arguments.
     */
    private static List<String> launch(Path dir, String memoryKb, String userOptions, String... command)
            throws IOException, InterruptedException {
        return launch(dir, memoryKb, userOptions, false, command);
    }

    private static List<String> launch(Path dir, String memoryKb, String userOptions, boolean failTraining,
            String... command) throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Path launcher = root.resolve("pktpath");
        if (!Files.exists(launcher)) {
            Files.createDirectories(root.resolve("cli/target"));
            Files.createDirectories(root.resolve("desktop-ui/target"));
            Files.copy(Path.of("..", "pktpath"), launcher);
            Path pom = Files.writeString(root.resolve("pom.xml"), "<project/>");
            Files.setLastModifiedTime(pom, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
            Files.writeString(root.resolve("cli/target/pktpath-cli.jar"), "");
            Files.writeString(root.resolve("desktop-ui/target/pktpath-gui.jar"), "");
            Path java = dir.resolve("jdk/bin/java");
            Files.createDirectories(java.getParent());
            // prints its arguments; a class-sharing training run is logged, and writes the archive unless told to fail
            Files.writeString(java, String.join("\n", "#!/usr/bin/env bash",
                    "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*)",
                    "  echo \"$*\" >> \"$(dirname \"$0\")/training.log\"",
                    "  [ -n \"${FAIL_TRAINING:-}\" ] && exit 1",
                    "  echo archive > \"${a#*=}\" ;; esac; done",
                    "printf '%s\\n' \"$@\"", ""));
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add("bash");
        pb.command().add(launcher.toString());
        pb.command().addAll(List.of(command));
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", dir.resolve("jdk").toString());
        env.put("PKTPATH_JAVA_OPTS", userOptions);
        env.put("PKTPATH_MEMORY_KB", memoryKb);
        if (failTraining) {
            env.put("FAIL_TRAINING", "1");
        }
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }
}
