package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.Addresses;
import io.pktpath.core.packet.Frames;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.parser.net.IpAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The converter's info text, addresses and MAC text (formatted into a reused buffer, from cached address texts) against
 * the formatting they replaced, on random and edge-case frames of every kind the info text distinguishes.
 */
class PacketConverterTextTest {
    private static final int[] EDGE_V4 = {0, -1, 0x7f000001, 0x0a000001, 0x0a600001, 0xc0a80001, 0x01020304, 0x80000000,
        0x0a0a0a0a, 0x64646464, 0xfefefefe, 0x09090909, 0x00ff00ff, 0xff00ff00};
    private static final long[][] EDGE_V6 = {{0, 0}, {0, 1}, {0x20010db800000000L, 0x10}, {0xfd00000000000000L, 1},
        {0, 0xffff0a000001L}, {-1, -1}, {0xfe80000000000000L, 0x0200000000000001L}, {0x2001000000000000L, 0}};

    private final Random random = new Random(20261122);
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView();
    private final FrameView frame = new FrameView();

    @Test
    void infoTextAddressesAndMacMatchTheReferenceOnRandomFrames() {
        PacketConverter converter = new PacketConverter("", Direction.UNKNOWN);
        Set<String> kinds = new HashSet<>();
        for (int i = 0; i < 60_000; i++) {
            byte[] bytes = randomFrame();
            int captured = random.nextInt(8) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            long original = bytes.length + (random.nextInt(10) == 0 ? random.nextInt(100) : 0);
            frame.set(i + 1, 1_000L * i, bytes, 0, captured, original, LinkType.ETHERNET, 0);
            decoder.decode(frame, view);
            String expected = ReferencePacketInfo.describe(view, (int) frame.originalLength());
            CapturedPacket cp = converter.convert(frame, view);
            PacketSummary s = cp.summary();
            assertEquals(expected, s.info(), () -> "frame " + frame.frameNumber());
            assertEquals(payloadLengthIn(expected, s.proto()), s.payloadLength(), expected);
            kinds.add(expected.substring(0, Math.min(4, expected.length())));
            for (String part : new String[] {"(quoting TCP", "(quoting UDP", "(quoting proto", " frag off ", " MF",
                " (truncated)", "[", " mtu ", " ack ", "who-has", "is-at"}) {
                if (expected.contains(part)) {
                    kinds.add(part);
                }
            }
            if (view.family() == 4 || view.family() == 6) {
                assertEquals(Optional.of(PacketConverter.source(view)), s.src());
                assertEquals(Optional.of(PacketConverter.destination(view)), s.dst());
            }
            cp.packet().ifPresent(p -> assertEquals(PacketConverter.mac(view.linkSrc()), p.macSource()));
        }
        assertTrue(kinds.containsAll(Set.of("TCP ", "UDP ", "ICMP", "prot", "ARP ", "ethe", "(quoting TCP", "(quoting UDP",
                "(quoting proto", " frag off ", " MF", " (truncated)", "[", " mtu ", " ack ", "who-has", "is-at")),
                kinds::toString);
    }

    /** The TCP or UDP payload length the info text gives ({@code len N}), -1 for other protocols. */
    private static int payloadLengthIn(String info, int proto) {
        int i = info.indexOf(" len ");
        if (proto != 6 && proto != 17 || i < 0) {
            return -1;
        }
        int end = i + 5;
        while (end < info.length() && Character.isDigit(info.charAt(end))) {
            end++;
        }
        return Integer.parseInt(info.substring(i + 5, end));
    }

    @Test
    void edgeCaseAddressesFormatAsIpAddressDoes() {
        PacketConverter converter = new PacketConverter("", Direction.UNKNOWN);
        for (int src : EDGE_V4) {
            for (int dst : EDGE_V4) {
                byte[] bytes = Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800,
                        Frames.ipv4(src, dst, 17, Frames.udp(65535, 0, new byte[3])));
                PacketSummary s = convert(converter, bytes);
                assertEquals(ReferencePacketInfo.describe(view, bytes.length), s.info());
                assertEquals("UDP " + IpAddress.formatV4(src) + ":65535 > " + IpAddress.formatV4(dst) + ":0 len 3", s.info());
            }
        }
        for (long[] a : EDGE_V6) {
            byte[] bytes = Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x86dd, Frames.ipv6(a[0], a[1], 0, 1, 6, 64,
                    new byte[0], Frames.tcp(1, 2, 0xffffffffL, 7, 0x3f, 100, -1, new byte[0])));
            PacketSummary s = convert(converter, bytes);
            assertEquals("TCP [" + IpAddress.v6(a[0], a[1]) + "]:1 > [::1]:2 [SFRPU.] seq 4294967295 ack 7 len 0", s.info());
        }
    }

    @Test
    void numbersAroundEveryDigitCountAndTheBillionSplitReadAsLongToString() {
        PacketConverter converter = new PacketConverter("", Direction.UNKNOWN);
        long[] seqs = {0, 1, 9, 10, 11, 99, 100, 101, 65_535, 99_999_999, 100_000_000, 999_999_999, 1_000_000_000L,
            1_000_000_001L, 1_000_000_010L, 2_000_000_000L, 2_147_483_647L, 2_147_483_648L, 4_000_000_009L, 4_294_967_295L};
        for (long seq : seqs) {
            for (int port : new int[] {0, 7, 10, 80, 443, 8080, 65535}) {
                byte[] bytes = Frames.ethernet(Frames.MAC_B, Frames.MAC_A, 0x0800, Frames.ipv4(0x0a000001, 0x0a000002, 6,
                        Frames.tcp(port, 80, seq, seq ^ 0xffffffffL, 0x10, 100, -1, new byte[(int) (seq % 7)])));
                PacketSummary s = convert(converter, bytes);
                assertEquals("TCP 10.0.0.1:" + port + " > 10.0.0.2:80 [.] seq " + seq + " ack " + (seq ^ 0xffffffffL)
                        + " len " + seq % 7, s.info());
            }
        }
    }

    @Test
    void appendV4WritesWhatFormatV4Returns() {
        for (int bits : EDGE_V4) {
            assertEquals(IpAddress.formatV4(bits), Addresses.appendV4(new StringBuilder("x"), bits).substring(1));
        }
        for (int i = 0; i < 200_000; i++) {
            int bits = random.nextInt();
            assertEquals(IpAddress.formatV4(bits), Addresses.appendV4(new StringBuilder(), bits).toString());
            assertEquals(IpAddress.v4(bits).toString(), Addresses.append(new StringBuilder(), IpAddress.v4(bits)).toString());
        }
        IpAddress v6 = IpAddress.v6(0x20010db800000000L, 1);
        assertEquals("2001:db8::1", Addresses.append(new StringBuilder(), v6).toString());
    }

    @Test
    void internerSharesOneInstancePerAddressAndStartsOverWhenFull() {
        Ipv4Interner interner = new Ipv4Interner();
        Optional<IpAddress> first = interner.addressAt(interner.slot(0x0a000001));
        assertSame(first, interner.addressAt(interner.slot(0x0a000001)));
        assertEquals("10.0.0.1", text(interner, 0x0a000001));
        assertSame(interner.asciiAt(interner.slot(0x0a000001)), interner.asciiAt(interner.slot(0x0a000001)));
        for (int i = 0; i < Ipv4Interner.MAX_ADDRESSES * 3; i++) {
            int bits = i % 3 == 0 ? random.nextInt() : 0x0a000000 + i;
            assertEquals(Optional.of(IpAddress.v4(bits)), interner.addressAt(interner.slot(bits)));
            assertEquals(IpAddress.formatV4(bits), text(interner, bits));
        }
        assertEquals(Optional.of(IpAddress.v4(0x0a000001)), interner.addressAt(interner.slot(0x0a000001)));
    }

    private static String text(Ipv4Interner interner, int bits) {
        return new String(interner.asciiAt(interner.slot(bits)), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void macTextsMatchTheFormatterAndSurviveSlotCollisions() {
        MacTexts macs = new MacTexts();
        assertEquals(Optional.empty(), macs.text(-1));
        assertEquals(Optional.empty(), macs.text(0));
        assertEquals(Optional.of("ff:ff:ff:ff:ff:ff"), macs.text(0xffffffffffffL));
        for (int i = 0; i < 50_000; i++) {
            long mac = i % 2 == 0 ? random.nextLong() & 0xffffffffffffL : 0x020000000000L + random.nextInt(3000);
            assertEquals(PacketConverter.mac(mac), macs.text(mac));
        }
    }

    private PacketSummary convert(PacketConverter converter, byte[] bytes) {
        frame.set(1, 0, bytes, 0, bytes.length, bytes.length, LinkType.ETHERNET, 0);
        decoder.decode(frame, view);
        return converter.convert(frame, view).summary();
    }

    private byte[] randomFrame() {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return Frames.ethernet(Frames.MAC_B, randomMac(), 0x0806, Frames.arp(random.nextInt(4), randomMac(), v4(),
                    randomMac(), v4()));
        }
        if (kind == 1) {
            return Frames.ethernet(Frames.MAC_B, randomMac(), 0x88cc, Frames.bytes(random.nextInt(40)));
        }
        boolean six = random.nextInt(4) == 0;
        int proto = new int[] {6, 6, 6, 17, 17, six ? 58 : 1, six ? 58 : 1, 132, 47, 136}[random.nextInt(10)];
        byte[] l4 = transport(proto, six, true);
        if (six) {
            boolean frag = random.nextInt(8) == 0;
            byte[] ext = frag ? Frames.fragmentHeader(proto, random.nextInt(4) * 8, random.nextBoolean(), 9) : new byte[0];
            return Frames.ethernet(Frames.MAC_B, randomMac(), 0x86dd, Frames.ipv6(random.nextLong(), random.nextLong(),
                    random.nextLong(), random.nextLong(), frag ? 44 : proto, 64, ext, l4));
        }
        int fragField = random.nextInt(8) == 0 ? random.nextInt(4) | (random.nextBoolean() ? 0x2000 : 0) : 0x4000;
        return Frames.ethernet(Frames.MAC_B, randomMac(), 0x0800,
                Frames.ipv4(v4(), v4(), proto, random.nextInt(65536), 64, fragField, new byte[0], l4));
    }

    private byte[] transport(int proto, boolean six, boolean outer) {
        byte[] payload = Frames.bytes(random.nextInt(30));
        return switch (proto) {
            case 6 -> Frames.tcp(port(), port(), random.nextLong() & 0xffffffffL, random.nextLong() & 0xffffffffL,
                    random.nextInt(256), 1000, random.nextBoolean() ? 1460 : -1, payload);
            case 17 -> Frames.udp(port(), port(), payload);
            case 1, 58 -> icmp(proto, six, outer);
            case 132 -> Frames.sctp(port(), port(), 5);
            default -> payload;
        };
    }

    private byte[] icmp(int proto, boolean six, boolean outer) {
        int type = proto == 1 ? new int[] {0, 3, 8, 11, 5, 12}[random.nextInt(6)]
                : new int[] {1, 2, 3, 4, 128, 129, 135}[random.nextInt(7)];
        int code = random.nextInt(6);
        int word = random.nextInt(2) == 0 ? 1500 : random.nextInt();
        boolean error = proto == 1 ? type == 3 || type == 11 || type == 12 : type < 128;
        if (!error || !outer) {
            return Frames.icmp(type, code, word, Frames.bytes(random.nextInt(12)));
        }
        int quotedProto = new int[] {6, 17, 1, 47}[random.nextInt(4)];
        if (six && quotedProto == 1) {
            quotedProto = 58;
        }
        byte[] l4 = transport(quotedProto, six, false);
        byte[] quoted = six ? Frames.ipv6(random.nextLong(), 1, 2, random.nextLong(), quotedProto, 3, new byte[0], l4)
                : Frames.ipv4(v4(), v4(), quotedProto, l4);
        int keep = random.nextInt(3) == 0 ? Math.min(quoted.length, (six ? 40 : 20) + 8) : quoted.length;
        return Frames.icmp(type, code, word, java.util.Arrays.copyOf(quoted, keep));
    }

    private int v4() {
        return switch (random.nextInt(4)) {
            case 0 -> EDGE_V4[random.nextInt(EDGE_V4.length)];
            case 1 -> random.nextInt();
            default -> 0x0af40000 + random.nextInt(300);
        };
    }

    private int port() {
        return random.nextInt(5) == 0 ? new int[] {0, 1, 80, 65535}[random.nextInt(4)] : random.nextInt(65536);
    }

    private long randomMac() {
        return random.nextInt(3) == 0 ? Frames.MAC_A : random.nextLong() & 0xffffffffffffL;
    }
}
