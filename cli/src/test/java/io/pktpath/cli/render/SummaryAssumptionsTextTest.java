package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-frame assumptions in the text summary: the first twenty with their frame counts, the rest counted on one line. */
class SummaryAssumptionsTextTest {
    private static List<String> render(int count) {
        Map<String, Long> assumptions = new LinkedHashMap<>();
        for (int n = 1; n <= count; n++) {
            assumptions.put("recent list L" + n + ": contents at capture start unknown", (long) n);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryText.perFrame(assumptions, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theFirstTwentyWithTheirFramesThenTheRestCounted() {
        List<String> lines = render(24);
        assertEquals(SummaryText.SHOWN_ASSUMPTIONS + 1, lines.size());
        assertEquals("  - recent list L1: contents at capture start unknown (1 frame)", lines.get(0));
        assertEquals("  - recent list L2: contents at capture start unknown (2 frames)", lines.get(1));
        // assumptions 21 to 24 concern 21 + 22 + 23 + 24 frames
        assertEquals("  ... 4 more about 90 frames (--format json lists every assumption)", lines.get(20));
    }

    @Test
    void aShortListIsShownWhole() {
        assertEquals(SummaryText.SHOWN_ASSUMPTIONS, render(SummaryText.SHOWN_ASSUMPTIONS).size());
    }
}
