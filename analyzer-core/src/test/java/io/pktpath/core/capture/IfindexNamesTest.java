package io.pktpath.core.capture;

import static io.pktpath.core.packet.Frames.MAC_A;
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

/** SLL2 ifindex names: each small ifindex is asked about once per read, however the frames alternate. */
class IfindexNamesTest {
    @TempDir
    Path tmp;

    @Test
    void alternatingInterfacesAreNamedWithOneQuestionPerIfindex() throws IOException {
        int[] ifindexes = {2, 3, 2, 3, 2, 0, 3, 5000, 5000, 5001, 5000, -7, 2, 4095, 4096, 4096};
        Path file = tmp.resolve("sll2.pcap");
        try (OutputStream out = Files.newOutputStream(file);
             PcapWriter w = CaptureWriter.pcap(out, LinkType.LINUX_SLL2, false, true, 0)) {
            for (int i = 0; i < ifindexes.length; i++) {
                w.write(i, Frames.sll2(0x0800, ifindexes[i], i % 5, MAC_A, PcapRoundTripTest.UDP4));
            }
        }
        List<Integer> asked = new ArrayList<>();
        CaptureContents c = CaptureReader.open(file, i -> {
            asked.add(i);
            return i == 3 ? null : "if" + i;
        }).readAll();
        List<String> names = new ArrayList<>();
        for (CapturedFrame f : c.frames()) {
            names.add(f.interfaceId() + "=" + f.interfaceName());
        }
        assertEquals(List.of("2=if2", "3=", "2=if2", "3=", "2=if2", "0=if0", "3=", "5000=if5000", "5000=if5000",
                "5001=if5001", "5000=if5000", "-7=if-7", "2=if2", "4095=if4095", "4096=if4096", "4096=if4096"), names);
        // small indexes once each; large ones whenever the index changes from the previous large one asked about
        assertEquals(List.of(2, 3, 0, 5000, 5001, 5000, -7, 4095, 4096), asked);
    }
}
