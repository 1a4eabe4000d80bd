package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rules hits} on a node with many rules no packet met: the first hundred listed, all of them with --all. */
class RulesHitsListTest {
    @TempDir
    Path tmp;

    /** The clusterip-tcp bundle, copied, with 150 DROP rules for sources that never send added to filter INPUT. */
    private Path bundleWithUnusedDrops() throws IOException {
        Path sample = Path.of(Cli.bundle("clusterip-tcp"));
        Path copy = tmp.resolve("bundle");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(sample)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        String dump = Files.readString(copy.resolve("iptables-save.txt"));
        StringBuilder extra = new StringBuilder();
        for (int n = 1; n <= 150; n++) {
            extra.append("-A INPUT -s 10.99.0.").append(n).append("/32 -j DROP\n");
        }
        int commit = dump.indexOf("COMMIT", dump.indexOf("*filter"));
        Files.writeString(copy.resolve("iptables-save.txt"), dump.substring(0, commit) + extra + dump.substring(commit),
                StandardCharsets.UTF_8);
        return copy;
    }

    private static List<String> neverHitLines(String out) {
        List<String> lines = out.lines().toList();
        int from = 0;
        while (!lines.get(from).startsWith("never hit by the replay")) {
            from++;
        }
        int to = from + 1;
        while (!lines.get(to).startsWith("shadowed")) {
            to++;
        }
        return lines.subList(from + 1, to);
    }

    @Test
    void theFirstHundredAndACountWithoutAll() throws IOException {
        String bundle = bundleWithUnusedDrops().toString();
        Cli.Result r = Cli.run("rules", "hits", bundle);
        assertEquals(0, r.exit(), r.err());
        List<String> listed = neverHitLines(r.out());
        int total = Integer.parseInt(r.out().replaceAll("(?s).*never hit by the replay \\((\\d+)\\):.*", "$1"));
        assertTrue(total > 150, "the 150 unused DROPs and the sample's own unused rules: " + total);
        assertEquals(101, listed.size(), String.join("\n", listed));
        assertEquals("  ... " + (total - 100) + " more (--all or --format json lists every one)", listed.get(100));
        Cli.Result all = Cli.run("rules", "hits", bundle, "--all");
        assertEquals(total, neverHitLines(all.out()).size());
    }
}
