package io.pktpath.core.capture;

import static io.pktpath.core.packet.Frames.MAC_A;
import static io.pktpath.core.packet.Frames.MAC_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.packet.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngRoundTripTest {
    private static final long T = 1_700_000_000_123_456_789L;

    @TempDir
    Path tmp;

    @Test
    void multiSectionMultiInterfaceFileRoundTrips() throws IOException {
        byte[] eth = Frames.ethernet(MAC_B, MAC_A, 0x0800, PcapRoundTripTest.UDP4);
        byte[] sll2 = Frames.sll2(0x0800, 9, 0, MAC_A, PcapRoundTripTest.UDP4);
        byte[] raw = PcapRoundTripTest.UDP6;
        byte[] sll = Frames.sll(4, MAC_B, 0x0800, PcapRoundTripTest.UDP4);
        Path file = tmp.resolve("multi.pcapng");
        try (OutputStream out = Files.newOutputStream(file); PcapngWriter w = CaptureWriter.pcapng(out)) {
            w.section(false);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", 9, 0);
            w.interfaceBlock(LinkType.LINUX_SLL2, "any", 0x80 | 20, 262144);
            w.interfaceBlock(LinkType.RAW, "", -1, 128);
            w.enhancedPacket(0, T, eth, eth.length, PcapngWriter.FLAG_INBOUND);
            w.nameResolution(new byte[] {10, 0, 0, 1}, "host-a");
            w.enhancedPacket(1, T, sll2, 1500, PcapngWriter.NO_FLAGS);
            w.statistics(0);
            w.otherBlock(0x00000bad, new byte[] {1, 2, 3, 4, 5});
            w.obsoletePacket(2, T, raw, raw.length, PcapngWriter.FLAG_OUTBOUND);
            w.enhancedPacket(0, T + 1, eth, eth.length, PcapngWriter.FLAG_OUTBOUND);
            w.section(true);
            w.interfaceBlock(LinkType.LINUX_SLL, "lo", 3, 0);
            w.simplePacket(sll, sll.length);
            w.enhancedPacket(0, T, sll, sll.length, PcapngWriter.NO_FLAGS);
            w.enhancedPacket(0, T, sll, sll.length, PcapngWriter.FLAG_INBOUND);
        }
        CaptureContents c = CaptureReader.open(file, i -> "ifindex" + i).readAll();
        long base2 = ((T / 1_000_000_000L) << 20) + (long) Math.ceil((T % 1_000_000_000L) * Math.pow(2, 20) / 1e9);
        long base2Nanos = (base2 >>> 20) * 1_000_000_000L + (long) ((base2 & 0xfffff) * 1e9 / Math.pow(2, 20));
        List<String> expected = List.of(
                "1 " + T + " eth0 0 1 IN " + eth.length + "/" + eth.length,
                "2 " + base2Nanos + " any 1 276 IN " + sll2.length + "/1500",
                "3 " + T / 1000 * 1000 + " 2 101 OUT " + raw.length + "/" + raw.length,
                "4 " + (T + 1) + " eth0 0 1 OUT " + eth.length + "/" + eth.length,
                "5 0 lo 0 113 OUT " + sll.length + "/" + sll.length,
                "6 " + T / 1_000_000 * 1_000_000 + " lo 0 113 OUT " + sll.length + "/" + sll.length,
                "7 " + T / 1_000_000 * 1_000_000 + " lo 0 113 IN " + sll.length + "/" + sll.length);
        assertEquals(expected, c.frames().stream().map(f -> f.frameNumber() + " " + f.timestampNanos() + " "
                + (f.interfaceName().isEmpty() ? "" : f.interfaceName() + " ") + f.interfaceId() + " " + f.linkType()
                + " " + f.direction() + " " + f.capturedLength() + "/" + f.originalLength()).toList());
        assertEquals(List.of(
                new CaptureInterface(0, 0, 1, "eth0", 0, 1e9),
                new CaptureInterface(0, 1, 276, "any", 262144, Math.pow(2, 20)),
                new CaptureInterface(0, 2, 101, "", 128, 1e6),
                new CaptureInterface(1, 0, 113, "lo", 0, 1e3)), c.summary().interfaces());
        assertEquals(List.of(), c.summary().issues());
        assertEquals(List.of(1, 101, 113, 276), c.summary().linkTypes());
        assertEquals(PcapRoundTripTest.UDP6.length, c.frames().get(2).bytes().length);
        assertBlockTypesAtOffsets(file, c.frames(), new int[] {6, 6, 2, 6, 3, 6, 6}, new boolean[] {
            false, false, false, false, true, true, true});
    }

    /** The byte offset of each frame points at its block, whose type word (in its section's order) is as written. */
    private static void assertBlockTypesAtOffsets(Path file, List<CapturedFrame> frames, int[] types, boolean[] be)
            throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (int i = 0; i < frames.size(); i++) {
            ByteBuffer b = ByteBuffer.wrap(all).order(be[i] ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            assertEquals(types[i], b.getInt((int) frames.get(i).byteOffset()), "frame " + (i + 1));
        }
    }

    @Test
    void simplePacketBlockIsCutToSnaplen() throws IOException {
        Path file = tmp.resolve("spb.pcapng");
        try (OutputStream out = Files.newOutputStream(file); PcapngWriter w = CaptureWriter.pcapng(out)) {
            w.section(true);
            w.interfaceBlock(LinkType.ETHERNET, "eth1", -1, 20);
            w.simplePacket(Frames.bytes(30), 30);
        }
        CapturedFrame f = CaptureReader.open(file).readAll().frames().get(0);
        assertEquals(20, f.capturedLength());
        assertEquals(30, f.originalLength());
        assertEquals("eth1", f.interfaceName());
    }
}
