package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paired first-packet bench on two small generated nodes: one line per round and the medians of their ratios. */
class FirstPacketGrowthBenchTest {
    private static final Pattern ROUND = Pattern.compile("round \\d+: 10 services (\\d+) ns, 40 services (\\d+) ns \\(([0-9.]+) x\\)"
            + ", the same with 10 of them in use (\\d+) ns \\(([0-9.]+) x\\)");

    @Test
    void printsEveryPairedRoundAndTheMedianRatios(@TempDir Path dir) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            FirstPacketGrowthBench.main(new String[] {dir.toString(), "10", "40", "--rounds", "3"});
        } finally {
            System.setOut(out);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> rounds = lines.stream().filter(l -> l.startsWith("round ")).toList();
        assertEquals(3, rounds.size(), String.join("\n", lines));
        for (String r : rounds) {
            Matcher m = ROUND.matcher(r);
            assertTrue(m.matches(), r);
            double ratio = Long.parseLong(m.group(2)) / (double) Long.parseLong(m.group(1));
            assertEquals(ratio, Double.parseDouble(m.group(3)), 0.006, r);
        }
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("first packet, medians of 3 paired rounds: 10 services \\d+ ns, 40 services \\d+ ns;"
                + " growth [0-9.]+ x \\(rounds [0-9.]+-[0-9.]+\\); with 10 services in use [0-9.]+ x"), last);
    }

    @Test
    void theMedianOfRatiosKeepsTheirOrder() {
        double[] ratios = {2.5, 1.0, 2.0, 1.5};
        assertEquals(1.75, FirstPackets.median(ratios));
        assertEquals(2.5, ratios[0]);
        assertEquals(2.0, FirstPackets.median(new double[] {3.0, 2.0, 1.0}));
    }
}
