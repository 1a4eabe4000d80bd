package io.pktpath.core.findings;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Loads and analyzes the recorded bundles of samples/bundles (the repo root is the dir whose pom.xml has modules). */
public final class SampleBundles {
    private SampleBundles() {
    }

    /** The repository root: the first directory upward whose pom.xml lists modules. */
    public static Path root() {
        try {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null) {
                Path pom = dir.resolve("pom.xml");
                if (Files.exists(pom) && Files.readString(pom).contains("<modules>")) {
                    return dir;
                }
                dir = dir.getParent();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no parent pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    /** The directory of the recorded bundles, {@code samples/bundles}. */
    public static Path bundles() {
        return root().resolve("samples/bundles");
    }

    /** The recorded bundle {@code samples/bundles/NAME}. */
    public static Path sample(String name) {
        return bundles().resolve(name);
    }

    /** Analyzes a bundle directory with its node-side capture.pcap. */
    static AnalysisResult analyze(Path dir) {
        try {
            return Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                    AnalysisOptions.DEFAULT, t -> { }, n -> { }, () -> false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AnalysisResult analyze(String name) {
        return analyze(sample(name));
    }

    /** Every trace of the recorded bundle {@code name} replayed with its capture.pcap, in frame order. */
    static java.util.List<io.pktpath.core.trace.PacketTrace> traces(String name) {
        Path dir = sample(name);
        java.util.List<io.pktpath.core.trace.PacketTrace> all = new java.util.ArrayList<>();
        try {
            Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                    AnalysisOptions.DEFAULT, all::add, n -> { }, () -> false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** A copy of a recorded bundle (text files and capture) to change for a negative or positive variant. */
    static Path copy(String name, Path into) throws IOException {
        Path dst = into.resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(sample(name))) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    static void replaceInFiles(Path dir, String glob, String from, String to) throws IOException {
        try (var ds = Files.newDirectoryStream(dir, glob)) {
            for (Path f : ds) {
                Files.writeString(f, Files.readString(f).replace(from, to));
            }
        }
    }

    static List<Finding> withCode(AnalysisResult r, String code) {
        return r.findings().stream().filter(f -> f.code().equals(code)).toList();
    }

    static Finding only(AnalysisResult r, String code) {
        List<Finding> list = withCode(r, code);
        if (list.size() != 1) {
            throw new AssertionError("expected one " + code + " finding, got " + list.size() + ": " + r.findings());
        }
        return list.get(0);
    }

    static List<String> codes(AnalysisResult r) {
        return r.findings().stream().map(Finding::code).toList();
    }
}
