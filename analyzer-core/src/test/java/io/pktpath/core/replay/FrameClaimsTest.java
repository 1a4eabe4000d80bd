package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The claims ring answers like a map, also when claimed frames collide in the ring or lie far apart. */
class FrameClaimsTest {

    private static PacketTrace trace(long frame) {
        PacketSummary s = new PacketSummary(frame, 0, "eth0", "in", 4, 6, Optional.empty(), Optional.empty(), 1, 2, 0, 60,
                -1, -1, 0, "");
        return new PacketTrace(s, FrameRole.INGRESS, List.of(), Disposition.FORWARDED, "", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
    }

    @Test
    void behavesLikeAMapUnderRandomClaimsAndCollisions() {
        FrameClaims claims = new FrameClaims(16);
        Map<Long, PacketTrace> model = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long frame = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 1 << 20) : rnd.nextLong(1, 100);
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    PacketTrace t = trace(frame);
                    claims.put(frame, t);
                    model.put(frame, t);
                }
                case 1 -> assertSame(model.remove(frame), claims.remove(frame), "remove " + frame);
                default -> assertEquals(model.containsKey(frame), claims.contains(frame), "contains " + frame);
            }
        }
    }

    @Test
    void collidingFramesKeepTheirOwnClaims() {
        FrameClaims claims = new FrameClaims(16);
        PacketTrace a = trace(5);
        PacketTrace b = trace(5 + 32);
        claims.put(5, a);
        claims.put(5 + 32, b);
        assertSame(b, claims.remove(5 + 32));
        assertSame(a, claims.remove(5));
        assertEquals(false, claims.contains(5));
    }
}
