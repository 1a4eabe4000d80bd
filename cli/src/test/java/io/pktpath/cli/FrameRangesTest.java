package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.cli.filter.FrameRanges;
import org.junit.jupiter.api.Test;

/** {@code --frames}: single frames, ranges, open ranges and lists. */
class FrameRangesTest {
    @Test
    void listsAndRanges() throws CliException {
        FrameRanges r = FrameRanges.parse("3,10-20,35-");
        assertTrue(r.contains(3));
        assertFalse(r.contains(4));
        assertTrue(r.contains(10));
        assertTrue(r.contains(20));
        assertFalse(r.contains(21));
        assertTrue(r.contains(1_000_000));
        assertEquals(Long.MAX_VALUE, r.last());
        assertEquals(20, FrameRanges.parse("10-20").last());
    }

    @Test
    void zeroAndBackwardsAreUsageErrors() {
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> FrameRanges.parse("0")).exitCode());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> FrameRanges.parse("9-3")).exitCode());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class, () -> FrameRanges.parse("a-b")).exitCode());
    }
}
