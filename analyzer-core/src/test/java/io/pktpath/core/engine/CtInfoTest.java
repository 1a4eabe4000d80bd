package io.pktpath.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Setting a ct mark keeps the info when the mark is already the (32-bit) value and changes only the mark otherwise. */
class CtInfoTest {
    private static final Tuple ORIGINAL = new Tuple(Packet.UDP, IpAddress.v4(0x0a000001), 5000,
            IpAddress.v4(0x0a000002), 53);
    private final CtInfo info = new CtInfo(CtState.ESTABLISHED, true, 0x10, Set.of(CtStatus.CONFIRMED), ORIGINAL,
            Optional.of(ORIGINAL.inverse()), 3, 29, 7);

    @Test
    void sameMarkIsTheSameInfo() {
        assertSame(info, info.withCtMark(0x10));
        assertSame(info, info.withCtMark(0x1_0000_0010L), "only the low 32 bits are the mark");
    }

    @Test
    void otherMarkChangesOnlyTheMark() {
        CtInfo marked = info.withCtMark(0x1_0000_0020L);
        assertEquals(new CtInfo(CtState.ESTABLISHED, true, 0x20, Set.of(CtStatus.CONFIRMED), ORIGINAL,
                Optional.of(ORIGINAL.inverse()), 3, 29, 7), marked);
    }
}
