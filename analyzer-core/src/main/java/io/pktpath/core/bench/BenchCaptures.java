package io.pktpath.core.bench;

import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes benchmark captures: {@code n} frames of about 100 bytes, alternating TCP and UDP over IPv4. */
public final class BenchCaptures {
    private static final int PAYLOAD = 46;

    private BenchCaptures() {
    }

    /** Writes a pcap of {@code frames} frames with the given link type (ETHERNET or LINUX_SLL2). */
    public static void write(Path file, int linkType, long frames) throws IOException {
        byte[] buf = new byte[128];
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, linkType, false, false, 262144)) {
            for (long i = 0; i < frames; i++) {
                int len = frame(ByteBuffer.wrap(buf), linkType, i);
                w.write(1_700_000_000_000_000_000L + i * 1000, buf, 0, len, len);
            }
        }
    }

    /** Fills {@code b} with frame number {@code i}; returns its length. */
    static int frame(ByteBuffer b, int linkType, long i) {
        boolean tcp = (i & 1) == 0;
        if (linkType == LinkType.LINUX_SLL2) {
            b.putShort((short) 0x0800).putShort((short) 0).putInt(2 + (int) (i % 3)).putShort((short) 1)
                    .put((byte) (i % 5)).put((byte) 6).putLong(0x0200000000010000L);
        } else {
            b.putInt(0x02000000).putShort((short) 2).putInt(0x02000000).putShort((short) 1).putShort((short) 0x0800);
        }
        int l4 = tcp ? 20 : 8;
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + PAYLOAD)).putShort((short) i)
                .putShort((short) 0x4000).put((byte) 64).put((byte) (tcp ? 6 : 17)).putShort((short) 0)
                .putInt(0x0a000000 | (int) (i & 0xffff)).putInt(0x0a010000 | (int) (i >>> 16 & 0xffff));
        int sport = 1024 + (int) (i % 60000);
        if (tcp) {
            b.putShort((short) sport).putShort((short) 443).putInt((int) i).putInt((int) (i * 3))
                    .put((byte) 0x50).put((byte) 0x18).putShort((short) 502).putShort((short) 0).putShort((short) 0);
        } else {
            b.putShort((short) sport).putShort((short) 53).putShort((short) (8 + PAYLOAD)).putShort((short) 0);
        }
        for (int k = 0; k < PAYLOAD; k++) {
            b.put((byte) k);
        }
        return b.position();
    }
}
