package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} on a bundle whose {@code nft list ruleset} prints a rule counter beyond a signed 64-bit count (a
 * damaged listing; the corrupted-input sweep found it crashing with a NumberFormatException): the rule's counters are
 * not compared, a note names the rule with its file and line, and the other rules are compared as before.
 */
class NativeCounterOverflowTest {
    @TempDir
    Path dir;

    @Test
    void aCounterBeyondALongIsNotedWithItsLineAndNotCompared() throws IOException {
        Path bundle = dir.resolve("docker-nftables");
        Files.createDirectories(bundle);
        try (Stream<Path> files = Files.list(Path.of(Cli.bundle("docker-nftables")))) {
            for (Path f : files.toList()) {
                Files.copy(f, bundle.resolve(f.getFileName().toString()));
            }
        }
        Path ruleset = bundle.resolve("nft-ruleset.txt");
        String text = Files.readString(ruleset);
        String damaged = text.replaceFirst("counter packets \\d+ bytes \\d+",
                "counter packets 9223372036854775808 bytes 12");
        assertTrue(!damaged.equals(text), "the listing has a counter to damage");
        Files.writeString(ruleset, damaged);
        int line = (int) damaged.substring(0, damaged.indexOf("9223372036854775808")).chars()
                .filter(c -> c == '\n').count() + 1;

        Cli.Result intact = Cli.run("verify", Cli.bundle("docker-nftables"));
        Cli.Result r = Cli.run("verify", bundle.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("(nft-ruleset.txt:" + line + "): counter packets 9223372036854775808 bytes 12 is beyond"
                + " what a 64-bit counter holds; not compared"), r.out());
        // one counter fewer compared, and every other one still equal to the kernel's
        assertTrue(intact.out().contains("rule/policy counters compared: 24, equal: 24"), intact.out());
        assertTrue(r.out().contains("rule/policy counters compared: 23, equal: 23"), r.out());
        assertTrue(r.out().contains("note: 19 native nftables rule counters"), r.out());
    }
}
