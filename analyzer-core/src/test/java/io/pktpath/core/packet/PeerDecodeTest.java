package io.pktpath.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.capture.PeerData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Decoded fields of real captures; the expected values were read from tshark 4.0 on the same frames. */
class PeerDecodeTest {
    private static List<String> decode(String file, Function<PacketView, String> show) {
        Optional<Path> dir = PeerData.captures();
        assumeTrue(dir.isPresent(), "shared/peer/captures not found beside the reactor root");
        Path path = dir.get().resolve(file);
        List<String> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        PacketView view = new PacketView();
        CaptureReader.open(path).read(f -> out.add(show.apply(decoder.decode(f, view))));
        return out;
    }

    private static String ip(PacketView v) {
        return v.family() == 4 ? Addresses.formatV4(v.src4()) + ">" + Addresses.formatV4(v.dst4())
                : Addresses.formatV6(v.srcHi(), v.srcLo()) + ">" + Addresses.formatV6(v.dstHi(), v.dstLo());
    }

    @Test
    void icmpDestinationUnreachableIsTiedToTheUdpFlowItReports() {
        assertEquals(List.of("3/3 192.168.1.102>192.168.1.1 quoted 192.168.1.1>192.168.1.102 17 53>59207"),
                decode("zeek-icmp-destunreach-udp.pcap", v -> v.icmpType() + "/" + v.icmpCode() + " " + ip(v)
                        + " quoted " + ip(v.quoted()) + " " + v.quoted().protocol() + " " + v.quoted().srcPort()
                        + ">" + v.quoted().dstPort()));
    }

    @Test
    void ipv4FragmentsCarryPortsOnlyInTheFirst() {
        assertEquals(List.of("true true 0 6 12345>80 OK", "true false 24 6 -1>-1 OK"),
                decode("zeek-ipv4-fragmented-syn.pcap", v -> v.isFragment() + " " + v.moreFragments() + " "
                        + v.fragmentOffset() + " " + v.protocol() + " " + v.srcPort() + ">" + v.dstPort() + " "
                        + v.status()));
    }

    @Test
    void vxlanInnerFrame() {
        List<String> got = decode("zeek-vxlan.pcap", v -> v.tunnel() + " " + v.vni() + " " + ip(v) + " "
                + Addresses.formatMac(v.inner().linkSrc()) + " " + v.inner().status() + " " + v.inner().arpOp());
        assertEquals("VXLAN 123 192.168.56.11>192.168.56.12 ba:09:2b:6e:f8:be NOT_IP 1", got.get(0));
        assertEquals(10, got.size());
    }

    @Test
    void sll2AndQinq() {
        assertEquals(List.of("1 0 4", "1 0 4", "1 0 6", "1 0 6", "26 4 0", "26 4 0"),
                decode("zeek-linux-sll2-icmp.pcap", v -> v.sllIfindex() + " " + v.sllPacketType() + " " + v.family()));
        assertEquals(List.of("2 200 2001"), decode("tcpdump-8021ad-qinq.pcap",
                v -> v.vlanCount() + " " + v.vlanId(0) + " " + v.vlanId(1)).stream().distinct().toList());
    }
}
