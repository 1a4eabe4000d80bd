package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.NatMapping;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The text summary lists the busiest NAT mappings one per line and counts the rest on one line. */
class SummaryNatTextTest {
    private static List<String> render(List<NatMapping> mappings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryText.nat(mappings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static NatMapping mapping(int n) {
        return new NatMapping("DNAT", "10.96.0." + n + ":80", "10.244.1." + n + ":8080", 100 - n, List.of((long) n));
    }

    @Test
    void twentyFiveMappingsShowTheFirstTwentyAndCountTheRest() {
        List<NatMapping> all = IntStream.rangeClosed(1, 25).mapToObj(SummaryNatTextTest::mapping).toList();
        List<String> lines = render(all);
        assertEquals(1 + SummaryText.SHOWN_MAPPINGS + 1, lines.size(), String.join("\n", lines));
        assertEquals("NAT mappings:", lines.get(0));
        assertEquals("      99  DNAT 10.96.0.1:80 -> 10.244.1.1:8080  frames 1, ... (98 more)", lines.get(1));
        assertEquals("      80  DNAT 10.96.0.20:80 -> 10.244.1.20:8080  frames 20, ... (79 more)", lines.get(20));
        // mappings 21 to 25 carry 79 + 78 + 77 + 76 + 75 packets
        assertEquals("     385  in 5 more mappings (--format json lists every mapping)", lines.get(21));
    }

    /**
     * The group of the packets past the mappings the summary tells apart (the busiest, when a large node fills its
     * table) is not ranked among them with an empty "->", but listed last as what it is.
     */
    @Test
    void thePacketsPastTheMappingsToldApartAreListedLast() {
        List<NatMapping> all = new ArrayList<>();
        all.add(new NatMapping("other mappings", "", "", 5_000, List.of(7L, 9L)));
        IntStream.rangeClosed(1, 22).mapToObj(SummaryNatTextTest::mapping).forEach(all::add);
        List<String> lines = render(all);
        assertEquals("      99  DNAT 10.96.0.1:80 -> 10.244.1.1:8080  frames 1, ... (98 more)", lines.get(1));
        assertEquals("     157  in 2 more mappings (--format json lists every mapping)", lines.get(21));
        assertEquals("    5000  in mappings past the 22 the summary tells apart  frames 7, 9, ... (4998 more)",
                lines.get(22));
        assertEquals(23, lines.size());
    }

    @Test
    void aShortListIsShownWhole() {
        List<NatMapping> some = new ArrayList<>();
        for (int n = 1; n <= SummaryText.SHOWN_MAPPINGS; n++) {
            some.add(mapping(n));
        }
        assertEquals(1 + SummaryText.SHOWN_MAPPINGS, render(some).size());
        assertEquals(List.of("NAT mappings:", "  none"), render(List.of()));
    }
}
