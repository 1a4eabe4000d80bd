package io.pktpath.core.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes pcapng: sections in either byte order, interfaces with {@code if_name}/{@code if_tsresol}, enhanced, simple
 * and obsolete packet blocks (with direction flags), name-resolution, statistics and arbitrary blocks.
 */
public final class PcapngWriter implements AutoCloseable {
    /** {@code epb_flags} value meaning inbound. */
    public static final int FLAG_INBOUND = 1;
    /** {@code epb_flags} value meaning outbound. */
    public static final int FLAG_OUTBOUND = 2;
    /** Pass as flags to write no {@code epb_flags} option. */
    public static final int NO_FLAGS = -1;

    private final OutputStream out;
    private final List<Integer> resolutions = new ArrayList<>();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    PcapngWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    /** Starts a new section (its interfaces start again at 0). */
    public PcapngWriter section(boolean bigEndian) throws IOException {
        order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        resolutions.clear();
        ByteBuffer body = body(16);
        body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(CaptureReader.PCAPNG_SHB, body);
    }

    /**
     * Declares an interface; returns its index in the section.
     *
     * @param tsresol raw {@code if_tsresol} byte (e.g. 9 = ns, 0x80|20 = 2^-20 s), or -1 for the default microseconds
     */
    public int interfaceBlock(int linkType, String name, int tsresol, int snapLength) throws IOException {
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = body(8 + (nameBytes.length > 0 ? 4 + pad(nameBytes.length) : 0) + (tsresol >= 0 ? 8 : 0) + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (nameBytes.length > 0) {
            option(body, 2, nameBytes);
        }
        if (tsresol >= 0) {
            option(body, 9, new byte[] {(byte) tsresol});
        }
        body.putInt(0);
        block(PcapngReader.IDB, body);
        resolutions.add(tsresol < 0 ? 6 : tsresol);
        return resolutions.size() - 1;
    }

    /** Writes an Enhanced Packet Block; {@code flags} is an {@code epb_flags} word or {@link #NO_FLAGS}. */
    public PcapngWriter enhancedPacket(int interfaceId, long timestampNanos, byte[] frame, long originalLength,
                                       int flags) throws IOException {
        return packet(PcapngReader.EPB, interfaceId, timestampNanos, frame, originalLength, flags);
    }

    /** Writes an obsolete Packet Block (type 2) with an optional {@code pack_flags} option. */
    public PcapngWriter obsoletePacket(int interfaceId, long timestampNanos, byte[] frame, long originalLength,
                                       int flags) throws IOException {
        return packet(PcapngReader.OBSOLETE_PB, interfaceId, timestampNanos, frame, originalLength, flags);
    }

    private PcapngWriter packet(int type, int interfaceId, long timestampNanos, byte[] frame, long originalLength,
                                int flags) throws IOException {
        ByteBuffer body = body(20 + pad(frame.length) + (flags == NO_FLAGS ? 0 : 12));
        if (type == PcapngReader.OBSOLETE_PB) {
            body.putShort((short) interfaceId).putShort((short) 0);
        } else {
            body.putInt(interfaceId);
        }
        long ticks = ticks(resolutions.get(interfaceId), timestampNanos);
        body.putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(frame.length).putInt((int) originalLength);
        body.put(frame).position(body.position() + pad(frame.length) - frame.length);
        if (flags != NO_FLAGS) {
            body.putShort((short) 2).putShort((short) 4).putInt(flags).putInt(0);
        }
        return block(type, body);
    }

    /** Writes a Simple Packet Block (interface 0, no timestamp). */
    public PcapngWriter simplePacket(byte[] frame, long originalLength) throws IOException {
        ByteBuffer body = body(4 + pad(frame.length));
        body.putInt((int) originalLength).put(frame).position(4 + pad(frame.length));
        return block(PcapngReader.SPB, body);
    }

    /** Writes a Name Resolution Block with one IPv4 record. */
    public PcapngWriter nameResolution(byte[] ipv4, String name) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = body(4 + pad(4 + n.length) + 4);
        body.putShort((short) 1).putShort((short) (4 + n.length)).put(ipv4).put(n);
        body.position(4 + pad(4 + n.length)).putInt(0);
        return block(PcapngReader.NRB, body);
    }

    /** Writes an Interface Statistics Block with no options. */
    public PcapngWriter statistics(int interfaceId) throws IOException {
        ByteBuffer body = body(12);
        body.putInt(interfaceId).putInt(0).putInt(0);
        return block(PcapngReader.ISB, body);
    }

    /** Writes a block of any type with the given body (padded to 4 bytes). */
    public PcapngWriter otherBlock(int type, byte[] content) throws IOException {
        ByteBuffer body = body(pad(content.length));
        body.put(content).position(pad(content.length));
        return block(type, body);
    }

    /** Writes bytes as they are (for building damaged files in tests). */
    public PcapngWriter raw(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    private ByteBuffer body(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    private PcapngWriter block(int type, ByteBuffer body) throws IOException {
        int length = 12 + body.capacity();
        ByteBuffer b = ByteBuffer.allocate(length).order(order);
        b.putInt(type).putInt(length).put(body.array()).putInt(length);
        out.write(b.array());
        return this;
    }

    private static void option(ByteBuffer b, int code, byte[] value) {
        b.putShort((short) code).putShort((short) value.length).put(value);
        b.position(b.position() + pad(value.length) - value.length);
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** Converts epoch nanoseconds to ticks of an {@code if_tsresol} value. */
    static long ticks(int tsresol, long nanos) {
        int e = tsresol & 0x7f;
        if ((tsresol & 0x80) != 0) {
            long seconds = nanos / 1_000_000_000L;
            long frac = nanos % 1_000_000_000L;
            return (seconds << e) + (long) Math.ceil(frac * Math.pow(2, e) / 1e9);
        }
        return e <= 9 ? nanos / pow10(9 - e) : nanos * pow10(e - 9);
    }

    private static long pow10(int n) {
        long r = 1;
        for (int i = 0; i < n; i++) {
            r *= 10;
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
