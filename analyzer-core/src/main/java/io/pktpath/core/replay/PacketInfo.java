package io.pktpath.core.replay;

import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.trace.TcpFlagLetters;
import java.nio.charset.StandardCharsets;

/**
 * A short tcpdump-like description of a decoded frame, e.g. {@code TCP 10.0.0.1:40000 > 10.96.0.10:80 [S] seq 1 len 0},
 * written as ASCII bytes into one reused buffer and turned into a String with a single copy (an instance serves one
 * thread).
 */
final class PacketInfo {
    private static final byte[] TCP = ascii("TCP ");
    private static final byte[] UDP = ascii("UDP ");
    private static final byte[] ARROW = ascii(" > ");
    private static final byte[] SEQ = ascii(" seq ");
    private static final byte[] ACK = ascii(" ack ");
    private static final byte[] LEN = ascii(" len ");

    private static final long BILLION = 1_000_000_000L;
    private static final byte[] DIGIT_PAIRS = digitPairs();

    private byte[] buf = new byte[160];
    private int pos;

    /**
     * The description of {@code v}; {@code src} and {@code dst} are the ASCII text of its outer addresses when it is
     * IPv4 or IPv6 (ignored otherwise).
     */
    String describe(PacketView v, int frameLength, byte[] src, byte[] dst) {
        if (v.status() == DecodeStatus.NOT_IP) {
            if (v.arpOp() > 0) {
                return "ARP " + (v.arpOp() == 1 ? "who-has " + ip4(v.arpTargetIp()) + " tell " + ip4(v.arpSenderIp())
                        : v.arpOp() == 2 ? ip4(v.arpSenderIp()) + " is-at " + io.pktpath.core.packet.Addresses.formatMac(v.arpSenderMac())
                        : "op " + v.arpOp());
            }
            return String.format("ethertype 0x%04x, length %d", v.etherType(), frameLength);
        }
        if (v.family() != 4 && v.family() != 6) {
            return v.status() + (v.statusMessage() == null || v.statusMessage().isEmpty() ? "" : ": " + v.statusMessage());
        }
        pos = 0;
        switch (v.protocol()) {
            case 6 -> {
                bytes(TCP);
                endpoint(src, v.srcPort(), v.family());
                bytes(ARROW);
                endpoint(dst, v.dstPort(), v.family());
                put((byte) ' ');
                put((byte) '[');
                flags(v.tcpFlags());
                put((byte) ']');
                if (v.seq() >= 0) {
                    bytes(SEQ);
                    number(v.seq());
                }
                if ((v.tcpFlags() & 0x10) != 0) {
                    bytes(ACK);
                    number(v.ack());
                }
                bytes(LEN);
                number(Math.max(v.payloadLength(), 0));
            }
            case 17 -> {
                bytes(UDP);
                endpoint(src, v.srcPort(), v.family());
                bytes(ARROW);
                endpoint(dst, v.dstPort(), v.family());
                bytes(LEN);
                number(Math.max(v.payloadLength(), 0));
            }
            case 1, 58 -> icmp(v, src, dst);
            default -> {
                text("proto ");
                number(v.protocol());
                put((byte) ' ');
                bytes(src);
                bytes(ARROW);
                bytes(dst);
            }
        }
        if (v.isFragment()) {
            text(" frag off ");
            number(v.fragmentOffset());
            if (v.moreFragments()) {
                text(" MF");
            }
        }
        if (v.status() == DecodeStatus.TRUNCATED) {
            text(" (truncated)");
        }
        return new String(buf, 0, pos, StandardCharsets.ISO_8859_1);
    }

    private void icmp(PacketView v, byte[] src, byte[] dst) {
        text(v.protocol() == 1 ? "ICMP " : "ICMPv6 ");
        bytes(src);
        bytes(ARROW);
        bytes(dst);
        put((byte) ' ');
        text(IcmpNames.describe(v.protocol(), v.icmpType(), v.icmpCode()));
        boolean tooBig = v.protocol() == 1 ? v.icmpType() == 3 && v.icmpCode() == 4 : v.icmpType() == 2;
        if (tooBig && v.icmpMtu() > 0) {
            text(" mtu ");
            number(v.icmpMtu());
        }
        if (v.hasQuoted()) {
            PacketView q = v.quoted();
            text(" (quoting ");
            if (q.protocol() == 6) {
                bytes(TCP);
            } else if (q.protocol() == 17) {
                bytes(UDP);
            } else {
                text("proto ");
                number(q.protocol());
                put((byte) ' ');
            }
            endpoint(ascii(PacketConverter.source(q).toString()), q.srcPort(), q.family());
            bytes(ARROW);
            endpoint(ascii(PacketConverter.destination(q).toString()), q.dstPort(), q.family());
            put((byte) ')');
        }
    }

    /** {@code address}, {@code address:port} or {@code [address]:port} (IPv6). */
    private void endpoint(byte[] address, int port, int family) {
        if (port < 0) {
            bytes(address);
            return;
        }
        if (family == 6) {
            put((byte) '[');
            bytes(address);
            put((byte) ']');
        } else {
            bytes(address);
        }
        put((byte) ':');
        number(port);
    }

    /** Appends the TCP flags tcpdump-style: S, F, R, P, U, then {@code .} for ACK. */
    private void flags(int f) {
        for (int i = 0; i < TcpFlagLetters.count(); i++) {
            char letter = TcpFlagLetters.letter(f, i);
            if (letter != 0) {
                put((byte) letter);
            }
        }
    }

    /** Appends the decimal digits of {@code value} as {@link Long#toString(long)} writes them. */
    private void number(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                text(Long.toString(value));
                return;
            }
            put((byte) '-');
            value = -value;
        }
        if (value >= BILLION) {
            long high = value / BILLION;
            number(high);
            digits((int) (value - high * BILLION), 9);
        } else {
            digits((int) value, length((int) value));
        }
    }

    /** Number of decimal digits of {@code value} (0 to 999,999,999). */
    private static int length(int value) {
        int n = 1;
        for (int bound = 10; n < 9 && value >= bound; bound *= 10) {
            n++;
        }
        return n;
    }

    /**
     * Appends the last {@code n} decimal digits of {@code value} (leading zeros included), in int arithmetic, two digits
     * per division.
     */
    private void digits(int value, int n) {
        room(n);
        int i = pos + n;
        while (i - pos >= 2) {
            int q = value / 100;
            int pair = (value - q * 100) << 1;
            buf[--i] = DIGIT_PAIRS[pair + 1];
            buf[--i] = DIGIT_PAIRS[pair];
            value = q;
        }
        if (i > pos) {
            buf[--i] = (byte) ('0' + value % 10);
        }
        pos += n;
    }

    /** {@code "00" "01" ... "99"} as ASCII bytes, two per number. */
    private static byte[] digitPairs() {
        byte[] pairs = new byte[200];
        for (int v = 0; v < 100; v++) {
            pairs[2 * v] = (byte) ('0' + v / 10);
            pairs[2 * v + 1] = (byte) ('0' + v % 10);
        }
        return pairs;
    }

    private void bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** Appends ASCII text (every character this class writes is ASCII). */
    private void text(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        room(1);
        buf[pos++] = b;
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    /** The ASCII bytes of {@code s}. */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String ip4(int bits) {
        return io.pktpath.parser.net.IpAddress.formatV4(bits);
    }
}
