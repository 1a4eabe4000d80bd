package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.core.trace.Disposition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run keeps the packet's fwmark in 32 bits and gives it back unsigned, high bits included (Calico's 0xffff0000). */
class PathRunMarkTest {
    private static PathRun run(long mark) {
        return new PathRun(List.of(), Disposition.FORWARDED, "forwarded", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), 7, null, mark);
    }

    @Test
    void theMarkComesBackUnsigned() {
        assertEquals(0xffff0000L, run(0xffff0000L).mark());
        assertEquals(0xffffffffL, run(0xffffffffL).mark());
        assertEquals(0x4000L, run(0x4000L).mark());
        assertEquals(0L, run(0).mark());
        assertEquals(0x80000000L, run(0x80000000L).withRedirect(Optional.empty()).mark());
    }

    @Test
    void aMarkBeyond32BitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> run(0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> run(-1));
    }
}
