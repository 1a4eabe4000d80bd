package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The text summary lists the first possible races once each (the detail gives the gap) and counts the rest. */
class SummaryRacesTextTest {
    private static RaceEvidence race(int n) {
        Tuple t = new Tuple(17, IpAddress.v4(0x0af40102), 40000 + n, IpAddress.v4(0x0a600032), 53);
        return new RaceEvidence(RaceEvidence.Kind.UDP_SAME_TUPLE, n, 2L * n, n + 100, 2L * n + 1, t, t, t, "", 5_000,
                "same tuple 5 µs apart");
    }

    private static List<String> render(int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryText.races(IntStream.rangeClosed(1, count).mapToObj(SummaryRacesTextTest::race).toList(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theFirstTwentyAreListedAndTheRestCounted() {
        List<String> lines = render(23);
        assertEquals(1 + SummaryText.SHOWN_RACES + 1, lines.size());
        assertEquals("possible conntrack races:", lines.get(0));
        assertEquals("  UDP_SAME_TUPLE: frames 2 and 3: same tuple 5 µs apart", lines.get(1));
        assertEquals("  ... 3 more (--format json lists every race)", lines.get(21));
    }

    @Test
    void noRaceNoSection() {
        assertEquals(List.of(), render(0));
        assertEquals(2, render(1).size());
    }
}
