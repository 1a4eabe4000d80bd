package io.pktpath.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Finds the recorded kernel bundles in {@code samples/bundles} from wherever the tests run. */
final class RecordedBundles {
    private RecordedBundles() {
    }

    /** The repository root: the nearest directory upwards whose pom.xml declares {@code <modules>}. */
    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return dir;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    static Path bundlesDir() {
        return repoRoot().resolve("samples").resolve("bundles");
    }

    /** Every bundle directory (with a capture.pcap), by name. */
    static List<Path> all() {
        return list(d -> Files.isRegularFile(d.resolve("capture.pcap")));
    }

    /** Every bundle with a kernel trace ({@code trace.txt}) and a capture, by name. */
    static List<Path> traced() {
        return list(d -> Files.isRegularFile(d.resolve("trace.txt")) && Files.isRegularFile(d.resolve("capture.pcap")));
    }

    private static List<Path> list(java.util.function.Predicate<Path> keep) {
        try (Stream<Path> dirs = Files.list(bundlesDir())) {
            return dirs.filter(Files::isDirectory).filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of {@code key} in a bundle's scenario.env, which the recorder wrote; an assertion error when absent. */
    /**
     * The bundle's files but its rules (iptables-save and ip6tables-save dumps, the recorder's rules-input.txt, the nft
     * listing), in name order, each named by its file name: a bundle whose rules a test gives in another form.
     */
    static List<io.pktpath.parser.bundle.BundleInput> inputsWithoutRules(Path bundle) throws IOException {
        try (Stream<Path> files = Files.list(bundle)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return !n.startsWith("iptables-save") && !n.startsWith("ip6tables-save") && !n.equals("rules-input.txt")
                        && !n.startsWith("nft-ruleset");
            }).sorted().map(f -> new io.pktpath.parser.bundle.BundleInput(f, f.getFileName().toString(),
                    java.util.Optional.empty())).toList();
        }
    }

    static String scenarioValue(Path bundle, String key) throws IOException {
        String value = scenarioEnv(bundle).get(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + bundle.resolve("scenario.env"));
        }
        return value;
    }

    /** The {@code KEY=value} lines of a bundle's scenario.env (empty when absent). */
    static Map<String, String> scenarioEnv(Path bundle) throws IOException {
        Map<String, String> env = new HashMap<>();
        Path file = bundle.resolve("scenario.env");
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        }
        return env;
    }
}
