package io.pktpath.core.capture;

import java.io.IOException;
import java.io.OutputStream;

/** Entry point for writing captures: classic pcap ({@link PcapWriter}) or pcapng ({@link PcapngWriter}). */
public final class CaptureWriter {
    private CaptureWriter() {
    }

    /** A pcap writer; writes the file header at once. */
    public static PcapWriter pcap(OutputStream out, int linkType, boolean bigEndian, boolean nanos, int snapLength)
            throws IOException {
        return new PcapWriter(out, linkType, bigEndian, nanos, snapLength);
    }

    /** A pcapng writer; call {@link PcapngWriter#section(boolean)} first. */
    public static PcapngWriter pcapng(OutputStream out) {
        return new PcapngWriter(out);
    }
}
