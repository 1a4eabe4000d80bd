package io.pktpath.core.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes a classic pcap file (pcap-savefile(5)) in either byte order with micro- or nanosecond timestamps. */
public final class PcapWriter implements AutoCloseable {
    private final OutputStream out;
    private final boolean nanos;
    private final ByteBuffer header;

    PcapWriter(OutputStream out, int linkType, boolean bigEndian, boolean nanos, int snapLength) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.nanos = nanos;
        this.header = ByteBuffer.allocate(24).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        header.putInt(nanos ? CaptureReader.PCAP_NANOS : CaptureReader.PCAP_MICROS).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(snapLength).putInt(linkType);
        this.out.write(header.array(), 0, 24);
    }

    /** Writes one record whose original length equals its captured length. */
    public void write(long timestampNanos, byte[] frame) throws IOException {
        write(timestampNanos, frame, 0, frame.length, frame.length);
    }

    /** Writes one record: {@code length} bytes of {@code frame} from {@code offset}, wire length {@code originalLength}. */
    public void write(long timestampNanos, byte[] frame, int offset, int length, long originalLength)
            throws IOException {
        long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long fraction = Math.floorMod(timestampNanos, 1_000_000_000L);
        header.clear();
        header.putInt((int) seconds).putInt((int) (nanos ? fraction : fraction / 1000)).putInt(length)
                .putInt((int) originalLength);
        out.write(header.array(), 0, 16);
        out.write(frame, offset, length);
    }

    /** Writes bytes as they are (for building damaged files in tests). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
