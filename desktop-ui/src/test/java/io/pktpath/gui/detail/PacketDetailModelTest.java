package io.pktpath.gui.detail;

import io.pktpath.core.capture.CapturedFrame;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketDetailModelTest {
    @Test
    void hexLinesHaveOffsetHexAndAscii() {
        byte[] bytes = new byte[18];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (0x41 + i);
        }
        bytes[17] = 0x01;
        List<HexDump.Line> lines = HexDump.lines(bytes);
        assertEquals(2, lines.size());
        assertEquals("0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP", lines.get(0).text());
        assertEquals("0010  51 01" + " ".repeat(43) + "  Q.", lines.get(1).text());
        assertEquals(true, HexDump.covers(32, 4, 35));
        assertEquals(false, HexDump.covers(32, 4, 36));
    }

    @Test
    void frameIsReadAgainFromTheCaptureAndDecoded() {
        var capture = Samples.session("clusterip-tcp").result().capturePath().orElseThrow();
        CapturedFrame frame = FrameBytes.read(capture, 3).orElseThrow();
        assertEquals(3, frame.frameNumber());
        PacketDetailModel m = PacketDetailModel.of(frame);
        assertEquals(List.of("Linux SLL2 Header", "IPv4 Header", "TCP Header"),
                m.detail().layers().stream().map(l -> l.name()).toList());
        // SLL2 is 20 bytes, the IPv4 source address sits 12 bytes into the IP header
        assertArrayEquals(new int[] {32, 4}, m.range("IPv4 Header", "Source address").orElseThrow());
        assertArrayEquals(new int[] {20, 20}, m.range("IPv4 Header", "").orElseThrow());
        assertArrayEquals(new byte[] {10, (byte) 244, 1, 2}, java.util.Arrays.copyOfRange(m.bytes(), 32, 36));
        assertEquals(Optional.empty(), FrameBytes.read(capture, 100_000));
    }
}
