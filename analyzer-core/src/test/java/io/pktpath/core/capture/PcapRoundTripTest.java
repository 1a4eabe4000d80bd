package io.pktpath.core.capture;

import static io.pktpath.core.packet.Frames.MAC_A;
import static io.pktpath.core.packet.Frames.MAC_B;
import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapRoundTripTest {
    static final byte[] UDP4 = Frames.ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 17, Frames.udp(1111, 2222, Frames.bytes(6)));
    static final byte[] UDP6 = Frames.ipv6(0x20010db800000000L, 1, 0x20010db800000000L, 2, 17, 9, new byte[0],
            Frames.udp(3333, 4444, new byte[0]));

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void bothByteOrdersAndResolutionsRoundTrip(boolean bigEndian, boolean nanos) throws IOException {
        Path file = tmp.resolve("t.pcap");
        byte[] f1 = Frames.ethernet(MAC_B, MAC_A, 0x0800, UDP4);
        byte[] f2 = Frames.bytes(100);
        long t1 = 1_700_000_000_123_456_789L;
        long t2 = 1_700_000_001_000_001_000L;
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, LinkType.ETHERNET, bigEndian, nanos, 64)) {
            w.write(t1, f1);
            w.write(t2, f2, 0, 64, 100);
        }
        CaptureContents c = CaptureReader.open(file).readAll();
        long expectedT1 = nanos ? t1 : t1 / 1000 * 1000;
        assertEquals(List.of(
                new CapturedFrame(1, expectedT1, f1, f1.length, 1, -1, "", Direction.UNKNOWN, 24),
                new CapturedFrame(2, t2, Arrays.copyOf(f2, 64), 100, 1, -1, "", Direction.UNKNOWN, 24 + 16 + f1.length)),
                c.frames());
        assertEquals(new CaptureSummary("t.pcap", CaptureFormat.PCAP, 2, f1.length + 64, List.of(1),
                List.of(new CaptureInterface(0, 0, 1, "", 64, nanos ? 1e9 : 1e6)), List.of()), c.summary());
    }

    @ParameterizedTest
    @CsvSource({"0,4", "1,4", "12,6", "14,4", "101,6", "108,4", "113,4", "228,4", "229,6", "276,6"})
    void everyLinkTypeIsWrittenReadAndDecoded(int linkType, int family) throws IOException {
        byte[] ip = family == 4 ? UDP4 : UDP6;
        byte[] frame = switch (linkType) {
            case LinkType.NULL -> Frames.loopback(2, false, ip);
            case LinkType.LOOP -> Frames.loopback(2, true, ip);
            case LinkType.ETHERNET -> Frames.ethernet(MAC_B, MAC_A, 0x0800, ip);
            case LinkType.LINUX_SLL -> Frames.sll(0, MAC_A, 0x0800, ip);
            case LinkType.LINUX_SLL2 -> Frames.sll2(0x86dd, 3, 4, MAC_A, ip);
            default -> ip;
        };
        Path file = tmp.resolve("lt.pcap");
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, linkType, false, false, 65535)) {
            w.write(5_000_000_000L, frame);
        }
        CaptureContents c = CaptureReader.open(file, i -> "veth" + i).readAll();
        CapturedFrame f = c.frames().get(0);
        assertEquals(linkType, f.linkType());
        assertArrayEquals(frame, f.bytes());
        assertEquals(5_000_000_000L, f.timestampNanos());
        PacketView v = new PacketDecoder().decode(f.view(), new PacketView());
        assertEquals(DecodeStatus.OK, v.status(), v.statusMessage());
        assertEquals(family, v.family());
        assertEquals(family == 4 ? 1111 : 3333, v.srcPort());
        assertEquals(family == 4 ? 2222 : 4444, v.dstPort());
        if (linkType == LinkType.LINUX_SLL2) {
            assertEquals("3/veth3/OUT", f.interfaceId() + "/" + f.interfaceName() + "/" + f.direction());
        } else if (linkType == LinkType.LINUX_SLL) {
            assertEquals("-1//IN", f.interfaceId() + "/" + f.interfaceName() + "/" + f.direction());
        } else {
            assertEquals("-1//UNKNOWN", f.interfaceId() + "/" + f.interfaceName() + "/" + f.direction());
        }
    }

    @Test
    void sllPacketTypesMapToDirections() throws IOException {
        Path file = tmp.resolve("sll.pcap");
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, LinkType.LINUX_SLL, true, true, 0)) {
            for (int type = 0; type <= 7; type++) {
                w.write(type, Frames.sll(type, MAC_A, 0x0800, UDP4));
            }
        }
        assertEquals(List.of(Direction.IN, Direction.IN, Direction.IN, Direction.IN, Direction.OUT,
                        Direction.UNKNOWN, Direction.UNKNOWN, Direction.UNKNOWN),
                CaptureReader.open(file).readAll().frames().stream().map(CapturedFrame::direction).toList());
    }

    @Test
    void nflogFramesAreDeliveredAsAKnownLinkType() throws IOException {
        Path file = tmp.resolve("nflog.pcap");
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, LinkType.NFLOG, false, false, 0)) {
            w.write(0, new byte[] {2, 0, 0, 0});
        }
        CaptureContents c = CaptureReader.open(file).readAll();
        assertEquals(List.of(LinkType.NFLOG), c.summary().linkTypes());
        PacketView v = new PacketDecoder().decode(c.frames().get(0).view(), new PacketView());
        assertEquals(DecodeStatus.UNSUPPORTED_LINKTYPE, v.status());
        assertEquals("not replayable: NFLOG", v.statusMessage());
    }
}
