package io.pktpath.core.packet;

import static io.pktpath.core.packet.Frames.MAC_A;
import static io.pktpath.core.packet.Frames.MAC_B;
import static io.pktpath.core.packet.Frames.ip4;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.capture.LinkType;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketDetailTest {
    private static final byte[] TCP = Frames.ipv4(ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 6,
            Frames.tcp(40000, 443, 1, 0, 0x02, 1000, 1460, Frames.bytes(4)));

    private static List<String> layers(PacketDetail d) {
        return d.layers().stream().map(l -> l.name() + "@" + l.offset() + "+" + l.length()).toList();
    }

    private static PacketDetail.Field field(PacketDetail d, int layer, String name) {
        return d.layers().get(layer).fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void ethernetTcpLayersAndFieldRanges() {
        PacketDetail d = PacketDetail.of(Frames.ethernet(MAC_B, MAC_A, 0x0800, TCP), LinkType.ETHERNET);
        assertEquals(List.of("Ethernet Header@0+14", "IPv4 Header@14+20", "TCP Header@34+28", "Payload@62+4"),
                layers(d));
        assertEquals(new PacketDetail.Field("Source address", "/10.0.0.1", 26, 4), field(d, 1, "Source address"));
        assertEquals(new PacketDetail.Field("Destination port", "443 (HTTPS)", 36, 2), field(d, 2, "Destination port"));
        assertEquals(new PacketDetail.Field("Source address", "02:00:00:00:00:01", 6, 6), field(d, 0, "Source address"));
        PacketDetail.Field option = field(d, 2, "Option");
        assertEquals(34, option.offset());
        assertEquals(28, option.length());
    }

    @Test
    void sll2FrameGetsItsOwnLinkLayerThenPcap4jLayers() {
        PacketDetail d = PacketDetail.of(Frames.sll2(0x0800, 7, 4, MAC_A, TCP), LinkType.LINUX_SLL2);
        assertEquals(List.of("Linux SLL2 Header@0+20", "IPv4 Header@20+20", "TCP Header@40+28", "Payload@68+4"),
                layers(d));
        assertEquals(new PacketDetail.Field("Interface index", "7", 4, 4), field(d, 0, "Interface index"));
    }

    @Test
    void rawIpAndUnknownLinkTypes() {
        assertEquals(List.of("IPv4 Header@0+20", "TCP Header@20+28", "Payload@48+4"),
                layers(PacketDetail.of(TCP, LinkType.IPV4)));
        assertEquals(List.of("Payload@0+52"), layers(PacketDetail.of(TCP, 147)));
    }
}
