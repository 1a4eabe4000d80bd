package io.pktpath.gui.session;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.gui.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GUI's loading ({@link SessionLoader}, no JavaFX) of bundles with one file corrupted, opened as a directory and as
 * files named one by one, and of an archive cut short: a session whose problems name the damage, or a
 * {@link BundleOpenException} naming the file; never another exception. The CLI's {@code CorruptedBundleTest} sweeps
 * the same core API ({@code BundleOpener}, {@code Analyzer}) much wider; this covers what the loader adds (frame rows,
 * kept traces, rule frames, the problem lines). {@code -Dpktpath.corruption.sweep=N} runs N seeds per case.
 */
class SessionLoaderCorruptedInputTest {
    /** Two bundles by default; in a sweep also the largest (an overlay's carrier frames). */
    private static final List<String> BUNDLES = Integer.getInteger("pktpath.corruption.sweep", 0) > 0
            ? List.of("clusterip-tcp", "nft-native-firewall", "overlay-vxlan")
            : List.of("clusterip-tcp", "nft-native-firewall");
    private static final List<String> FILES = List.of("capture.pcap", "iptables-save.txt", "ip-route.txt", "ip-addr.txt",
            "nft-ruleset.txt", "conntrack-L.txt");

    /** One way to damage a file. */
    private enum Damage {
        CUT, OVERWRITE, DROP_LINE, EMPTY
    }

    @TempDir
    Path tmp;

    @Test
    void noCorruptedFileCrashesTheGuiLoader() throws IOException {
        int seeds = Integer.getInteger("pktpath.corruption.sweep", 1);
        List<String> failures = new ArrayList<>();
        int run = 0;
        for (String bundle : BUNDLES) {
            for (String file : FILES) {
                if (!Files.exists(Samples.bundle(bundle).resolve(file))) {
                    continue;
                }
                for (Damage d : Damage.values()) {
                    for (int s = 0; s < seeds; s++) {
                        Random rnd = new Random((43L * (bundle + "/" + file).hashCode() + d.ordinal()) * 100_049L + s);
                        Path dir = tmp.resolve("case-" + run);
                        copy(Samples.bundle(bundle), dir);
                        Path f = dir.resolve(file);
                        Files.write(f, damage(Files.readAllBytes(f), d, rnd));
                        String label = bundle + "/" + file + " " + d + " seed " + s;
                        // a directory, then (every other case) the same files named one by one
                        load(SessionSource.of(dir), file, d, label, failures);
                        if (run % 3 == 0) {
                            load(new SessionSource(files(dir)), file, d, label + " (files)", failures);
                        }
                        run++;
                    }
                }
            }
        }
        assertTrue(run >= 40 * seeds, "cases run: " + run);
        if (!failures.isEmpty()) {
            fail(failures.size() + " corrupted bundles crashed the GUI loader:\n" + String.join("\n", failures));
        }
    }

    @Test
    void anEmptiedCaptureIsNamedInTheProblems() throws Exception {
        Path dir = tmp.resolve("empty");
        copy(Samples.bundle("clusterip-tcp"), dir);
        Files.write(dir.resolve("capture.pcap"), new byte[0]);
        try (Session s = SessionLoader.standard().load(SessionSource.of(dir), n -> { }, () -> false)) {
            assertTrue(s.rows().isEmpty());
            assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("no capture (.pcap or .pcapng) found")
                    && p.contains("; ignored capture.pcap: empty file")), s.problems().toString());
        }
    }

    @Test
    void aCutArchiveIsNamedInTheProblemsAndWhatCameBeforeTheCutLoads() throws Exception {
        Path dir = Samples.bundle("clusterip-tcp");
        List<Path> files = new ArrayList<>(files(dir));
        files.sort(java.util.Comparator.comparing((Path f) -> f.getFileName().toString().equals("trace.txt")));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        long traceAt = 0;
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            for (Path f : files) {
                traceAt = bytes.size();
                tar.putArchiveEntry(new org.apache.commons.compress.archivers.tar.TarArchiveEntry(f.toFile(),
                        "node/" + f.getFileName()));
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        int cut = (int) traceAt + 512 + 10_000;
        Path archive = tmp.resolve("node.tar");
        Files.write(archive, Arrays.copyOf(bytes.toByteArray(), cut));
        Session whole = Samples.session("clusterip-tcp");
        try (Session s = SessionLoader.standard().load(SessionSource.of(archive), n -> { }, () -> false)) {
            assertTrue(s.rows().size() == whole.rows().size(), s.rows().size() + " rows");
            assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("node.tar: warning[ARC001]: cut short at byte "
                    + cut + ", its end (") && p.contains("inside member node/trace.txt after 10000 of its ")),
                    s.problems().toString());
        }
    }

    private static void load(SessionSource source, String file, Damage d, String label, List<String> failures) {
        try (Session s = SessionLoader.standard().load(source, n -> { }, () -> false)) {
            // what the views ask of a session: each row's trace, the first one with its misses
            s.rows().stream().limit(20).forEach(r -> s.trace(r.frame()));
            s.rows().stream().findFirst().ifPresent(r -> s.traceWithMisses(r.frame()));
            s.ruleFrames();
            if (d == Damage.EMPTY && s.problems().stream().noneMatch(p -> p.contains(file))
                    && !file.equals("capture.pcap") && !s.bundle().inventory().emptyFiles().toString().contains(file)) {
                failures.add(label + ": the emptied file is named nowhere");
            } else if (d == Damage.EMPTY && file.equals("capture.pcap")
                    && s.problems().stream().noneMatch(p -> p.contains("ignored capture.pcap: empty file"))) {
                failures.add(label + ": the emptied capture is not named in the problems: " + s.problems());
            }
        } catch (BundleOpenException e) {
            if (!e.getMessage().contains(file) && !e.getMessage().contains(source.paths().get(0).toString())) {
                failures.add(label + ": refused without naming the file: " + e.getMessage());
            }
        } catch (RuntimeException | Error | IOException e) {
            failures.add(label + ": " + e + " at " + Arrays.stream(e.getStackTrace())
                    .filter(f -> f.getClassName().startsWith("io.pktpath")).findFirst().orElse(null));
        }
    }

    private static byte[] damage(byte[] bytes, Damage d, Random rnd) {
        switch (d) {
            case EMPTY:
                return new byte[0];
            case CUT:
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : rnd.nextInt(bytes.length));
            case OVERWRITE: {
                byte[] b = bytes.clone();
                for (int i = 0, n = 1 + rnd.nextInt(8); i < n && b.length > 0; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            default: {
                List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.ISO_8859_1)
                        .split("\n", -1)));
                if (lines.size() > 1) {
                    lines.remove(rnd.nextInt(lines.size() - 1));
                }
                return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path f : files(from)) {
            Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
