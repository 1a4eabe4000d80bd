package io.pktpath.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.PeerData;
import io.pktpath.core.capture.LinkType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DNS names, types and response codes of port-53 payloads; expected values are tshark's for the same frames. */
class DnsInfoTest {
    private static List<String> dns(String file) {
        Optional<Path> dir = PeerData.captures();
        assumeTrue(dir.isPresent(), "shared/peer/captures not found beside the reactor root");
        Path path = dir.get().resolve(file);
        List<String> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        CaptureReader.open(path).read(f -> DnsInfo.of(f, decoder.decode(f, view)).ifPresent(d -> out.add(
                f.frameNumber() + " " + Integer.toHexString(d.id()) + " " + d.response() + " " + d.rcodeValue() + " "
                        + d.questions().get(0).name() + " " + d.questions().get(0).type() + " " + d.answers())));
        return out;
    }

    @Test
    void udpQueryAndResponse() {
        assertEquals(List.of("1 5934 false 0 www.tcpdump.org 1 0", "2 5934 true 0 www.tcpdump.org 1 2"),
                dns("tcpdump-dns-udp.pcap"));
    }

    @Test
    void tcpMessagesSkipTheLengthPrefix() {
        assertEquals(List.of("4 4319 false 0 www.tcpdump.org 1 0", "6 4319 true 0 www.tcpdump.org 1 2"),
                dns("tcpdump-dns-tcp.pcap"));
    }

    @Test
    void builtNxdomainResponse() {
        byte[] msg = new Frames.Buf().u16(0xbeef).u16(0x8183).u16(1).u16(0).u16(0).u16(0)
                .u8(3).bytes("foo".getBytes()).u8(7).bytes("example".getBytes()).u8(0).u16(28).u16(1).build();
        byte[] frame = Frames.ipv4(1, 2, 17, Frames.udp(53, 40000, msg));
        PacketView v = new PacketDecoder().decode(frame, 0, frame.length, frame.length, LinkType.RAW, new PacketView());
        DnsInfo d = DnsInfo.parse(frame, v.payloadOffset(), v.payloadLength()).orElseThrow();
        assertEquals(new DnsInfo(0xbeef, true, "Non-Existent Domain", 3,
                List.of(new DnsInfo.Question("foo.example", 28, "AAAA (IP6 Address)")), 0), d);
        assertEquals(Optional.empty(), DnsInfo.parse(new byte[] {1, 2, 3}, 0, 3));
    }
}
