package io.pktpath.core.findings;

import static io.pktpath.core.findings.SampleBundles.only;
import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import io.pktpath.core.packet.Frames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost racing datagram on the recorded conntrack-race-udp node, with its kernel set to 5.4: two queries from one
 * socket 2 µs apart, only the first leaves towards an endpoint, and the resolver repeats the query 5 s later.
 */
class UdpRaceCaptureTest {
    private static final long T0 = 1_795_300_000_000_000_000L;
    private static final int CLIENT = ip4(10, 244, 1, 2);
    private static final int VIP = ip4(10, 96, 0, 50);
    private static final int DNS2 = ip4(10, 244, 1, 4);

    private static byte[] query(int dst, int dport) {
        return Frames.ipv4(CLIENT, dst, 17, Frames.udp(40000, dport, new byte[20]));
    }

    @Test
    void lostSecondDatagramAndTheRetryFiveSecondsLater(@TempDir Path tmp) throws IOException {
        Path dir = SampleBundles.copy("conntrack-race-udp", tmp);
        SampleBundles.replaceInFiles(dir, "uname.txt", "6.18.44-fc-v669", "5.4.0-150-generic");
        try (OutputStream os = Files.newOutputStream(dir.resolve("capture.pcap"));
             PcapWriter w = CaptureWriter.pcap(os, LinkType.LINUX_SLL2, false, true, 65535)) {
            w.write(T0, Frames.sll2(0x0800, 3, 0, Frames.MAC_A, query(VIP, 53)));
            w.write(T0 + 2_000, Frames.sll2(0x0800, 3, 0, Frames.MAC_A, query(VIP, 53)));
            w.write(T0 + 60_000, Frames.sll2(0x0800, 5, 4, Frames.MAC_B, query(DNS2, 5353)));
            w.write(T0 + 5_000_000_000L, Frames.sll2(0x0800, 3, 0, Frames.MAC_A, query(VIP, 53)));
            w.write(T0 + 5_000_060_000L, Frames.sll2(0x0800, 5, 4, Frames.MAC_B, query(DNS2, 5353)));
        }
        Finding f = only(SampleBundles.analyze(dir), Codes.RACE_UDP_INSERT);
        assertEquals(FindingSeverity.ERROR, f.severity());
        assertEquals("UDP conntrack insert race: 1 same-tuple pair(s) to 10.96.0.50:53, datagrams lost", f.title());
        assertTrue(f.evidence().contains("10.244.1.2:40000 -> 10.96.0.50:53: frames 1 and 2, 2 µs apart; frame 2 never "
                + "left the node in the capture"), f.evidence().toString());
        assertTrue(f.evidence().contains("10.244.1.2:40000 -> 10.96.0.50:53 was sent again 5.000 s later: the "
                + "resolver's retry after its 5 s timeout"), f.evidence().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.startsWith("kernel 5.4.0-150-generic (5.0-5.5)")));
    }
}
