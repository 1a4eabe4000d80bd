package io.pktpath.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The differences between pktpath and the kernel that are diagnosed but not fixed yet, per bundle, from the test
 * resource {@code known-differences/<bundle>.txt}: blocks of difference lines, each block under a {@code # reason:}
 * comment naming the engine bug (see /work/notes/diff-report.md) and why the kernel did otherwise.
 */
record KnownDifferences(List<String> lines, boolean everyLineHasAReason) {
    private static final String FOLDER = "/known-differences/";

    KnownDifferences {
        lines = List.copyOf(lines);
    }

    static KnownDifferences of(String bundle) {
        try (InputStream in = KnownDifferences.class.getResourceAsStream(FOLDER + bundle + ".txt")) {
            if (in == null) {
                return new KnownDifferences(List.of(), true);
            }
            List<String> lines = new ArrayList<>();
            boolean reasoned = false;
            boolean allReasoned = true;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("# reason:")) {
                    reasoned = true;
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                    allReasoned &= reasoned;
                }
            }
            return new KnownDifferences(lines, allReasoned);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundle names that have a known-differences file. */
    static List<String> files() throws IOException {
        try {
            Path dir = Path.of(KnownDifferences.class.getResource(FOLDER).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                        .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
