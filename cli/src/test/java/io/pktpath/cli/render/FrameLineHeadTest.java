package io.pktpath.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A frame line's start and its time label, written digit by digit, equal what String.format and the formatter gave. */
class FrameLineHeadTest {

    @Test
    void timeEqualsTheFormatterOnRandomAndEdgeTimes() {
        SplittableRandom rnd = new SplittableRandom(3);
        long[] edges = {0, 1, 999, 1_000, 999_999_999L, 1_000_000_000L, 86_399_999_999_999L, 86_400_000_000_000L,
            -1, -1_000, -999_999_999L, Long.MAX_VALUE / 2, 1_700_000_000_123_456_789L};
        for (long t : edges) {
            assertEquals(Labels.timeByFormatter(t), Labels.time(t), "time " + t);
        }
        for (int i = 0; i < 200_000; i++) {
            long t = rnd.nextLong(-5_000_000_000_000_000_000L, 5_000_000_000_000_000_000L);
            assertEquals(Labels.timeByFormatter(t), Labels.time(t), "time " + t);
        }
    }

    @Test
    void headEqualsStringFormat() {
        SplittableRandom rnd = new SplittableRandom(5);
        String[][] places = {{"", ""}, {"lo", "in"}, {"eth0", "out"}, {"cali8db71f08c12", "in"}, {"0123456789", ""},
            {"012345678", ""}, {"01234567890", ""}};
        long[] frames = {1, 9, 99_999, 100_000, 12_345_678_901L};
        for (long frame : frames) {
            for (String[] place : places) {
                long t = rnd.nextLong(0, 200_000_000_000_000L);
                String where = place[0].isEmpty() ? "?" : place[1].isEmpty() ? place[0] : place[0] + " " + place[1];
                String expected = String.format("%5d %s %-10s %s", frame, Labels.timeByFormatter(t), where, "TCP x > y");
                assertEquals(expected, FrameLine.head(new StringBuilder(), frame, t, place[0], place[1], "TCP x > y")
                        .toString());
            }
        }
    }
}
