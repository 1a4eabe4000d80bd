package io.pktpath.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.packet.Frames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pcapng file larger than 2 GiB (sparse: 33 skipped 64 MiB blocks) still delivers the frame that follows them. */
class LargeFileTest {
    private static final int BLOCK = 1 << 26;
    private static final int BLOCKS = 33;

    @TempDir
    Path tmp;

    @Test
    void frameBeyondTwoGibibytesIsDelivered() throws IOException {
        byte[] frame = Frames.bytes(60);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try (PcapngWriter w = CaptureWriter.pcapng(head)) {
            w.section(false);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", 9, 0);
            w.enhancedPacket(0, 1, frame, 60, PcapngWriter.FLAG_INBOUND);
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        try (PcapngWriter w = CaptureWriter.pcapng(tail)) {
            w.section(false);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", 9, 0);
            w.enhancedPacket(0, 2, frame, 60, PcapngWriter.FLAG_OUTBOUND);
        }
        byte[] lastBlock = Arrays.copyOfRange(tail.toByteArray(), tail.size() - (32 + 60 + 12), tail.size());
        Path file = tmp.resolve("big.pcapng");
        long tailAt;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(head.toByteArray());
            long pos = head.size();
            ByteBuffer edge = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < BLOCKS; i++) {
                f.seek(pos);
                f.write(edge.clear().putInt(0x40000bad).putInt(BLOCK).array());
                f.seek(pos + BLOCK - 4);
                f.write(edge.array(), 4, 4);
                pos += BLOCK;
            }
            tailAt = pos;
            f.seek(pos);
            f.write(lastBlock);
        }
        assertTrue(tailAt > Integer.MAX_VALUE);
        CaptureContents c = CaptureReader.open(file).readAll();
        assertEquals(List.of(), c.summary().issues());
        assertEquals(List.of(
                new CapturedFrame(1, 1, frame, 60, 1, 0, "eth0", Direction.IN, 28 + 40),
                new CapturedFrame(2, 2, frame, 60, 1, 0, "eth0", Direction.OUT, tailAt)), c.frames());
    }
}
