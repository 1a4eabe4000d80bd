package io.pktpath.core.replay;

import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the Ethernet pcap the frame-source tests read: one UDP/53 frame per millisecond, optionally with ARP frames. */
final class UdpTestCaptures {
    private UdpTestCaptures() {
    }

    /**
     * {@code frames} frames 10.0.0.1 → 10.0.0.2 (source port 1000 + i), into {@code dir}/c.pcap; with {@code arp}, the
     * frames with i % 7 == 3 (0-based) are ARP frames instead, which decode as not IP.
     */
    static Path write(Path dir, int frames, boolean arp) throws IOException {
        Path file = dir.resolve("c.pcap");
        try (OutputStream os = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(os, LinkType.ETHERNET, false, false, 65535)) {
            for (int i = 0; i < frames; i++) {
                byte[] ip = Frames.ipv4(Frames.ip4(10, 0, 0, 1), Frames.ip4(10, 0, 0, 2), 17,
                        Frames.udp(1000 + i % 50_000, 53, new byte[8]));
                w.write(i * 1_000_000L, arp && i % 7 == 3
                        ? Frames.ethernet(0x0200000000aaL, 0x0200000000bbL, 0x0806, new byte[28])
                        : Frames.ethernet(0x0200000000aaL, 0x0200000000bbL, 0x0800, ip));
            }
        }
        return file;
    }
}
