package io.pktpath.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.packet.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames that straddle buffer refills and map-window edges, or are larger than the buffer, read the same. */
class WindowingTest {
    @TempDir
    Path tmp;

    @Test
    void smallWindowsAndBuffersDeliverTheSameFrames() throws IOException {
        Path pcap = tmp.resolve("w.pcap");
        Path pcapng = tmp.resolve("w.pcapng");
        try (OutputStream o1 = Files.newOutputStream(pcap); PcapWriter w1 = CaptureWriter.pcap(o1, 1, true, true, 0);
             OutputStream o2 = Files.newOutputStream(pcapng); PcapngWriter w2 = CaptureWriter.pcapng(o2)) {
            w2.section(false);
            w2.interfaceBlock(1, "eth0", 9, 0);
            for (int i = 0; i < 300; i++) {
                byte[] f = Frames.bytes(i % 7 == 0 ? 700 : 1 + i % 90);
                w1.write(i * 1000L, f);
                w2.enhancedPacket(0, i * 1000L, f, f.length, PcapngWriter.NO_FLAGS);
            }
        }
        for (Path file : List.of(pcap, pcapng)) {
            CaptureReader reader = CaptureReader.open(file);
            List<CapturedFrame> normal = reader.readAll().frames();
            for (int[] sizes : new int[][] {{97, 64}, {4096, 200}, {1 << 20, 16}}) {
                List<CapturedFrame> small = new ArrayList<>();
                CaptureSummary s = reader.read(f -> small.add(f.copy()), sizes[0], sizes[1]);
                assertEquals(List.of(), s.issues());
                assertEquals(normal, small, file + " window " + sizes[0] + " buffer " + sizes[1]);
                assertEquals(reader.readAll().summary(), s, "a second read reports the same summary");
            }
            assertEquals(300, normal.size());
        }
    }
}
