package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.MssClampPath;
import io.pktpath.core.engine.Packet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The MTUs of TCPMSS --clamp-mss-to-pmtu on a Calico IP-in-IP node (samples/bundles/overlay-calico-ipip's addresses and
 * routes): the kernel lowered the SYN's MSS 1460 to 1440 on its way into tunl0 (mtu 1480) and the SYN-ACK's 1460 to 1440
 * on its way out of tunl0 to the pod, whose route back to its source is tunl0's.
 */
class MssClampLookupTest {
    private static final String ADDR = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
            2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                link/ether f6:52:ad:75:75:44 brd ff:ff:ff:ff:ff:ff
                inet 172.18.0.2/24 scope global eth0
            3: cali62608e08adc@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff
            5: tunl0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1480 qdisc pfifo_fast state UP group default qlen 500
                link/none
                inet 10.244.1.192/32 scope global tunl0
            """;
    private static final String ROUTES = """
            10.244.1.194 dev cali62608e08adc scope link
            10.244.2.0/26 via 172.18.0.1 dev tunl0 onlink
            10.244.3.0/26 via 172.18.0.1 dev tunl0 onlink mtu 1400
            172.18.0.0/24 dev eth0 proto kernel scope link src 172.18.0.2
            local 10.244.1.192 dev tunl0 table local proto kernel scope host src 10.244.1.192
            local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
            local 172.18.0.2 dev eth0 table local proto kernel scope host src 172.18.0.2
            """;
    private static final NodeNetwork NODE = TestNodes.node().addr(ADDR).routes(ROUTES).build();

    private static Packet forwarded(String src, String dst, String in, String out) {
        return Packet.synthetic(ip(src).family(), Packet.TCP, ip(src), 46201, ip(dst), 8080, in, false).withOutIface(out);
    }

    @Test
    void theSynIntoTunl0IsClampedToTheTunnelsMtuAndTheSynAckOutOfItByTheRouteBack() {
        MssClampPath syn = NODE.mssClampPath(forwarded("10.244.1.194", "10.244.2.5", "cali62608e08adc", "tunl0"))
                .orElseThrow();
        assertEquals(new MssClampPath(1480, "tunl0", 1500, "cali62608e08adc"), syn);
        assertEquals(1440, syn.clampedMssV4());
        MssClampPath synAck = NODE.mssClampPath(forwarded("10.244.2.5", "10.244.1.194", "tunl0", "cali62608e08adc"))
                .orElseThrow();
        assertEquals(new MssClampPath(1500, "cali62608e08adc", 1480, "tunl0"), synAck);
        assertEquals(1440, synAck.clampedMssV4());
    }

    @Test
    void aRoutesMtuMetricIsTheForwardMtuAndASourceWithoutARouteBackLeavesTheForwardMtuAlone() {
        MssClampPath metric = NODE.mssClampPath(forwarded("10.244.1.194", "10.244.3.7", "cali62608e08adc", "tunl0"))
                .orElseThrow();
        assertEquals(1400, metric.forwardMtu());
        assertEquals(1360, metric.clampedMssV4());
        // no default route on this node: nothing leads back to 192.0.2.7, so the kernel's reverse MTU is ~0
        MssClampPath noWayBack = NODE.mssClampPath(forwarded("192.0.2.7", "10.244.1.194", "eth0", "cali62608e08adc"))
                .orElseThrow();
        assertEquals(new MssClampPath(1500, "cali62608e08adc", 0, ""), noWayBack);
        assertEquals(1460, noWayBack.clampedMssV4());
    }

    @Test
    void aPacketWithoutAnOutputDeviceHasNoClampPath() {
        assertEquals(Optional.empty(), NODE.mssClampPath(Packet.synthetic(ip("10.244.1.194").family(), Packet.TCP,
                ip("10.244.1.194"), 1, ip("10.244.2.5"), 2, "cali62608e08adc", false)));
    }

    @Test
    void anUnknownForwardMtuOrOneNoLargerThanTheHeadersGivesNoMss() {
        assertEquals(0, new MssClampPath(0, "eth9", 1500, "eth0").clampedMssV4());
        assertEquals(0, new MssClampPath(40, "eth9", 0, "").clampedMssV4());
        assertEquals(1, new MssClampPath(41, "eth9", 0, "").clampedMssV4());
        assertTrue(new MssClampPath(9000, "eth9", 1500, "eth0").pathMtu() == 1500);
    }
}
