package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.replay.PacketConverter;
import io.pktpath.core.trace.PacketSummary;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Packets#noTcpPayload} (which spares the retransmit tracker reading the info text) holds only for frames whose
 * info text says {@code len 0}: random IPv4 and IPv6 TCP frames with and without options and payload, cut short,
 * and with the zero total length of segmentation offload.
 */
class NoPayloadShortcutTest {
    @Test
    void noPayloadByLengthMeansLenZeroInTheInfoText() {
        Random random = new Random(5);
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        FrameView frame = new FrameView();
        PacketConverter converter = new PacketConverter("", Direction.UNKNOWN);
        int shortcut = 0;
        int withPayload = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] payload = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(30)];
            byte[] tcp = Frames.tcp(random.nextInt(65536), 80, random.nextInt() & 0xffffffffL, 1,
                    random.nextInt(64), 100, random.nextBoolean() ? 1460 : -1, payload);
            boolean six = random.nextInt(4) == 0;
            byte[] bytes = six ? Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x86dd, Frames.ipv6(1, 2, 3, 4, 6, 64,
                    new byte[0], tcp)) : Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800,
                    Frames.ipv4(random.nextInt(), random.nextInt(), 6, tcp));
            if (random.nextInt(5) == 0) {
                bytes[16] = 0;
                bytes[17] = (byte) (six ? 0 : random.nextInt(60));
            }
            int captured = random.nextInt(5) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            frame.set(i + 1, i, bytes, 0, captured, bytes.length, LinkType.ETHERNET, 0);
            PacketSummary p = converter.convert(frame, decoder.decode(frame, view)).summary();
            if (!Packets.isTcp(p)) {
                continue;
            }
            if (Packets.noTcpPayload(p)) {
                shortcut++;
                assertEquals(0, Packets.infoNumber(p, Packets.LEN), p.info());
            } else if (Packets.infoNumber(p, Packets.LEN) > 0) {
                withPayload++;
            }
        }
        assertTrue(shortcut > 3_000, "frames the length rules out: " + shortcut);
        assertTrue(withPayload > 3_000, "frames with payload: " + withPayload);
    }
}
