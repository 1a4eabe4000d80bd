package io.pktpath.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TraceJson#time} writes what {@code Instant.toString} writes, for any second and fraction, in any order. */
class TraceJsonTimeTest {
    private static String reference(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    @Test
    void fractionsOfEveryLengthAndSecondsOnBothSidesOfTheEpochAreWrittenAsInstantWritesThem() {
        long[] fixed = {0, 1, 999, 1_000, 1_000_000, 999_999_999, 1_000_000_000, -1, -1_000_000_000, -999_999_999,
            1_763_769_600_000_000_000L, 1_763_769_600_000_002_000L, 1_763_769_600_123_000_000L,
            1_763_769_600_120_000_000L, 1_763_769_600_000_000_001L, Long.MAX_VALUE,
            Long.MIN_VALUE};
        for (long nanos : fixed) {
            assertEquals(reference(nanos), TraceJson.time(nanos), "nanos " + nanos);
            assertEquals(reference(nanos), TraceJson.time(nanos), "nanos " + nanos + ", its second remembered");
        }
        Random random = new Random(7);
        long base = 1_763_769_600_000_000_000L;
        for (int i = 0; i < 100_000; i++) {
            long nanos = switch (i % 4) {
                case 0 -> base + random.nextInt(3) * 1_000_000_000L + random.nextInt(1_000) * 1_000_000L;
                case 1 -> base + random.nextInt(3) * 1_000_000_000L + random.nextInt(1_000_000) * 1_000L;
                case 2 -> base + (long) (random.nextDouble() * 5e9);
                default -> random.nextLong();
            };
            assertEquals(reference(nanos), TraceJson.time(nanos), "nanos " + nanos);
        }
    }
}
