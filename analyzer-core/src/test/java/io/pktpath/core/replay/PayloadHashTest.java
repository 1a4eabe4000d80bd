package io.pktpath.core.replay;

import static io.pktpath.core.packet.Frames.ethernet;
import static io.pktpath.core.packet.Frames.ip4;
import static io.pktpath.core.packet.Frames.ipv4;
import static io.pktpath.core.packet.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The payload hash of converted frames: the first 32 captured payload bytes decide it, equal prefixes hash alike
 * whatever follows and wherever the frame lies in its buffer, a change of any one of those bytes changes it, and a
 * frame without payload hashes to 0.
 */
class PayloadHashTest {
    private final PacketConverter converter = new PacketConverter("eth0", Direction.IN);
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView();
    private final FrameView frame = new FrameView();
    private final Random random = new Random(32);

    private int hash(byte[] payload, int lead, int captured) {
        byte[] bytes = ethernet(0x0200000000aaL, 0x0200000000bbL, 0x0800,
                ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, udp(4000, 53, payload)));
        byte[] buffer = new byte[lead + bytes.length];
        random.nextBytes(buffer);
        System.arraycopy(bytes, 0, buffer, lead, bytes.length);
        frame.set(1, 1_000, buffer, lead, Math.min(captured, bytes.length), bytes.length, LinkType.ETHERNET, 0);
        return converter.convert(frame, decoder.decode(frame, view)).payloadHash();
    }

    private int hash(byte[] payload) {
        return hash(payload, 0, Integer.MAX_VALUE);
    }

    @Test
    void theFirst32PayloadBytesDecideTheHash() {
        for (int length = 1; length <= 40; length++) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            int h = hash(payload);
            assertEquals(h, hash(payload.clone(), 1 + random.nextInt(7), Integer.MAX_VALUE), "length " + length);
            for (int i = 0; i < length; i++) {
                byte[] changed = payload.clone();
                changed[i] ^= (byte) (1 + random.nextInt(255));
                if (i < 32) {
                    assertNotEquals(h, hash(changed), "length " + length + ", byte " + i);
                } else {
                    assertEquals(h, hash(changed), "length " + length + ", byte " + i);
                }
            }
        }
    }

    @Test
    void onlyCapturedBytesCountAndNoPayloadHashesToZero() {
        assertEquals(0, hash(new byte[0]));
        byte[] payload = new byte[24];
        random.nextBytes(payload);
        int headers = 14 + 20 + 8;
        byte[] otherTail = payload.clone();
        otherTail[20] ^= 0x55;
        assertEquals(hash(payload, 3, headers + 10), hash(otherTail, 5, headers + 10));
        assertNotEquals(hash(payload, 0, headers + 21), hash(otherTail, 0, headers + 21));
        Set<Integer> prefixes = new HashSet<>();
        for (int n = 1; n <= 24; n++) {
            prefixes.add(hash(payload, 0, headers + n));
        }
        assertEquals(24, prefixes.size());
    }
}
