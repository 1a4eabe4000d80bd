package io.pktpath.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.packet.Frames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files: every complete frame is still delivered and each problem is reported with frame and offset. */
class BadInputTest {
    private static final byte[] F60 = Frames.bytes(60);

    @TempDir
    Path tmp;

    private static byte[] pcap(int snaplen, int linkType, byte[]... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = CaptureWriter.pcap(out, linkType, false, false, snaplen)) {
            long t = 1_000_000;
            for (byte[] f : frames) {
                w.write(t += 1000, f);
            }
        }
        return out.toByteArray();
    }

    private CaptureContents read(String name, byte[] content) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, content);
        return CaptureReader.open(file).readAll();
    }

    private static List<String> issues(CaptureContents c) {
        return c.summary().issues().stream().map(CaptureIssue::toString).toList();
    }

    private static List<Long> numbers(CaptureContents c) {
        return c.frames().stream().map(CapturedFrame::frameNumber).toList();
    }

    @Test
    void truncatedLastRecordKeepsTheFramesBefore() throws IOException {
        byte[] full = pcap(65535, 1, F60, F60, F60);
        CaptureContents c = read("trace.pcap", Arrays.copyOf(full, full.length - 20));
        assertEquals(List.of(1L, 2L), numbers(c));
        assertEquals(List.of("ERROR[truncated-record] trace.pcap: frame 3 at byte 176: truncated record "
                + "(header says 60 bytes, 40 remain) (expected: a complete record)"), issues(c));
    }

    @Test
    void truncatedRecordHeader() throws IOException {
        byte[] full = pcap(65535, 1, F60, F60);
        CaptureContents c = read("h.pcap", Arrays.copyOf(full, 24 + 76 + 5));
        assertEquals(List.of(1L), numbers(c));
        assertEquals(List.of("ERROR[truncated-record-header] h.pcap: frame 2 at byte 100: truncated record header "
                + "(16 bytes needed, 5 remain) (expected: a complete record header)"), issues(c));
    }

    @Test
    void garbageAfterTheHeaderIsSkippedToTheNextRecord() throws IOException {
        byte[] good = pcap(65535, 1, F60, F60);
        byte[] garbage = new byte[37];
        Arrays.fill(garbage, (byte) 0xff);
        byte[] content = concat(Arrays.copyOf(good, 24), garbage, Arrays.copyOfRange(good, 24, good.length));
        CaptureContents c = read("g.pcap", content);
        assertEquals(List.of(1L, 2L), numbers(c));
        assertEquals(24 + 37, c.frames().get(0).byteOffset());
        assertEquals(List.of("ERROR[bad-record] g.pcap: frame 1 at byte 24: implausible captured length 4294967295 "
                + "(snaplen 65535); skipped 37 bytes to the next plausible record (expected: a record header with a "
                + "plausible length)"), issues(c));
    }

    @Test
    void garbageWithNothingAfterIsReported() throws IOException {
        byte[] garbage = new byte[40];
        Arrays.fill(garbage, (byte) 0xee);
        CaptureContents c = read("e.pcap", concat(pcap(65535, 1, F60), garbage));
        assertEquals(List.of(1L), numbers(c));
        assertEquals(List.of("ERROR[bad-record] e.pcap: frame 2 at byte 100: implausible captured length 4008636142 "
                + "(snaplen 65535); no plausible record follows (40 bytes not read) (expected: a record header with a "
                + "plausible length)"), issues(c));
    }

    @Test
    void zeroLengthAndOverSnaplenRecordsAreDeliveredWithWarnings() throws IOException {
        CaptureContents c = read("z.pcap", pcap(50, 1, new byte[0], F60, Frames.bytes(20)));
        assertEquals(List.of(0, 60, 20), c.frames().stream().map(CapturedFrame::capturedLength).toList());
        assertEquals(List.of(
                "WARNING[zero-length-record] z.pcap: frame 1 at byte 24: zero-length record (original length 0) "
                        + "(expected: at least one captured byte)",
                "WARNING[over-snaplen] z.pcap: frame 2 at byte 40: captured length 60 exceeds snaplen 50 "
                        + "(expected: a captured length of at most the snaplen)"), issues(c));
    }

    @Test
    void unknownLinkTypeFramesAreStillDelivered() throws IOException {
        CaptureContents c = read("u.pcap", pcap(0, 147, F60));
        assertEquals(List.of(147), c.summary().linkTypes());
        assertEquals(1, c.frames().size());
        assertEquals(List.of(), issues(c));
    }

    @Test
    void filesThatAreNotCapturesGiveOneError() throws IOException {
        CaptureContents gif = read("pic.gif", "GIF89a and more".getBytes());
        assertEquals(CaptureFormat.UNKNOWN, gif.summary().format());
        assertEquals(List.of("ERROR[not-a-capture] pic.gif: at byte 0: not a pcap or pcapng file (first bytes "
                + "0x47494638) (expected: pcap magic a1b2c3d4 or a1b23c4d, or pcapng section header 0a0d0d0a)"),
                issues(gif));
        assertEquals(List.of("ERROR[not-a-capture] tiny: at byte 0: file has only 2 bytes (expected: a pcap or "
                + "pcapng file header)"), issues(read("tiny", new byte[] {(byte) 0xd4, (byte) 0xc3})));
        assertEquals(List.of("ERROR[truncated-file-header] short.pcap: at byte 0: truncated file header (24 bytes "
                + "needed, 10 remain) (expected: a complete pcap file header)"),
                issues(read("short.pcap", Arrays.copyOf(pcap(0, 1), 10))));
        CaptureSummary missing = CaptureReader.open(tmp.resolve("missing.pcap")).read(f -> { });
        assertEquals(List.of("ERROR[io-error] missing.pcap: at byte 0: cannot read file (NoSuchFileException) "
                + "(expected: a readable file)"), missing.issues().stream().map(CaptureIssue::toString).toList());
    }

    private static byte[] pcapng(int badLengthAt) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = CaptureWriter.pcapng(out)) {
            w.section(false);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", -1, 0);
            for (int i = 0; i < 3; i++) {
                w.enhancedPacket(0, i * 1000L, F60, 60, PcapngWriter.NO_FLAGS);
            }
        }
        return out.toByteArray();
    }

    @Test
    void pcapngBlockWithBadLengthIsSkippedByResync() throws IOException {
        byte[] content = pcapng(0);
        int shbAndIdb = 28 + 32;
        int epb = 32 + 60;
        int second = shbAndIdb + epb;
        ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).putInt(second + 4, 13);
        CaptureContents c = read("b.pcapng", content);
        assertEquals(List.of(1L, 2L), numbers(c));
        assertEquals(second + epb, c.frames().get(1).byteOffset());
        assertEquals(List.of("ERROR[bad-block] b.pcapng: frame 2 at byte " + second + ": bad block length 13 for block "
                + "type 0x6; skipped 92 bytes to the next block (expected: a block whose leading and trailing "
                + "lengths agree)"), issues(c));
    }

    @Test
    void pcapngTrailingLengthMismatchAndTruncatedLastBlock() throws IOException {
        byte[] content = pcapng(0);
        int second = 28 + 32 + 92;
        ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).putInt(second + 88, 96);
        CaptureContents c = read("m.pcapng", Arrays.copyOf(content, content.length - 8));
        assertEquals(List.of(1L), numbers(c));
        assertEquals(List.of(
                "ERROR[bad-block] m.pcapng: frame 2 at byte " + second + ": block length 92 does not match trailing "
                        + "length 96; skipped 92 bytes to the next block (expected: a block whose leading and "
                        + "trailing lengths agree)",
                "ERROR[truncated-block] m.pcapng: frame 2 at byte " + (second + 92) + ": truncated block of type 0x6 "
                        + "(header says 92 bytes, 84 remain) (expected: a complete block)"), issues(c));
    }

    @Test
    void pcapngPacketForAnUndeclaredInterface() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = CaptureWriter.pcapng(out)) {
            w.section(true);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", -1, 0);
            w.enhancedPacket(0, 0, F60, 60, PcapngWriter.NO_FLAGS);
            w.raw(new byte[] {0, 0, 0, 6, 0, 0, 0, 32, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 32});
            w.enhancedPacket(0, 0, F60, 60, PcapngWriter.NO_FLAGS);
        }
        CaptureContents c = read("i.pcapng", out.toByteArray());
        assertEquals(List.of(1L, 2L), numbers(c));
        assertEquals(List.of("ERROR[malformed-block] i.pcapng: frame 2 at byte 152: packet names interface 5 but the "
                + "section has 1 (expected: an interface declared by an earlier interface description block)"),
                issues(c));
    }

    static byte[] concat(byte[]... parts) {
        Frames.Buf b = new Frames.Buf();
        for (byte[] p : parts) {
            b.bytes(p);
        }
        return b.build();
    }
}
