package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.CaptureSummary;
import io.pktpath.core.capture.Direction;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's generated captures hold what the benchmark claims: ~100-byte TCP/UDP frames that decode cleanly. */
class BenchCapturesTest {
    @TempDir
    Path tmp;

    @Test
    void generatedFramesDecode() throws IOException {
        for (int linkType : new int[] {LinkType.ETHERNET, LinkType.LINUX_SLL2}) {
            Path file = tmp.resolve("b" + linkType + ".pcap");
            BenchCaptures.write(file, linkType, 1000);
            PacketDecoder decoder = new PacketDecoder();
            PacketView v = new PacketView();
            List<String> firstTwo = new ArrayList<>();
            long[] ok = {0};
            CaptureSummary s = CaptureReader.open(file).read(f -> {
                decoder.decode(f, v);
                ok[0] += v.status() == DecodeStatus.OK ? 1 : 0;
                if (f.frameNumber() <= 2) {
                    firstTwo.add(f.capturedLength() + " " + v.protocol() + " " + v.srcPort() + ">" + v.dstPort() + " "
                            + v.payloadLength() + " " + (f.direction() != Direction.UNKNOWN));
                }
            });
            assertEquals(1000, s.framesDelivered());
            assertEquals(1000, ok[0]);
            int link = linkType == LinkType.ETHERNET ? 14 : 20;
            boolean directional = linkType == LinkType.LINUX_SLL2;
            assertEquals(List.of((link + 86) + " 6 1024>443 46 " + directional,
                    (link + 74) + " 17 1025>53 46 " + directional), firstTwo);
        }
    }
}
