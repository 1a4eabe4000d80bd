package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MTU a forwarded packet is held to, per family, from real {@code ip addr}/{@code ip route} text: IPv4 takes the
 * route's mtu whether locked or not, IPv6 only a locked one and never less than 1280; no MTU known, no check (0).
 */
class ForwardMtuTest {
    private static final String ADDR = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                inet 127.0.0.1/8 scope host lo
            2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                inet 10.0.0.1/24 scope global eth0
                inet6 2001:db8::1/64 scope global
            3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1200 qdisc noqueue state UP group default qlen 1000
                inet 10.1.0.1/24 scope global eth1
                inet6 2001:db8:1::1/64 scope global
            4: eth2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc noqueue state UP group default qlen 1000
                inet 10.2.0.1/24 scope global eth2
                inet6 2001:db8:2::1/64 scope global
            """;
    private static final String ROUTES = """
            10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1
            10.1.0.0/24 dev eth1 proto kernel scope link src 10.1.0.1
            10.2.0.0/24 dev eth2 proto kernel scope link src 10.2.0.1
            10.20.0.0/16 via 10.2.0.254 dev eth2 mtu 1400
            10.21.0.0/16 via 10.2.0.254 dev eth2 mtu lock 1300
            10.30.0.0/16 via 10.2.0.254 dev ghost0 onlink
            """;
    private static final String ROUTES6 = """
            2001:db8::/64 dev eth0 proto kernel metric 256 pref medium
            2001:db8:1::/64 dev eth1 proto kernel metric 256 pref medium
            2001:db8:2::/64 dev eth2 proto kernel metric 256 pref medium
            2001:db8:20::/48 via 2001:db8:2::fe dev eth2 metric 1024 mtu 1400 pref medium
            2001:db8:21::/48 via 2001:db8:2::fe dev eth2 metric 1024 mtu lock 1300 pref medium
            """;

    private static TestNodes node() {
        return TestNodes.node().addr(ADDR).routes(ROUTES).routes6(ROUTES6).sysctl("""
                net.ipv4.ip_forward = 1
                net.ipv4.conf.all.forwarding = 1
                net.ipv6.conf.all.forwarding = 1
                """);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.5, 10.1.0.9, 1200",
        "10.0.0.5, 10.2.0.9, 9000",
        "10.0.0.5, 10.20.1.1, 1400",
        "10.0.0.5, 10.21.1.1, 1300",
        "10.0.0.5, 10.30.1.1, 0",
        "2001:db8::5, 2001:db8:1::9, 1280",
        "2001:db8::5, 2001:db8:2::9, 9000",
        "2001:db8::5, 2001:db8:20::1, 9000",
        "2001:db8::5, 2001:db8:21::1, 1300",
    })
    void forwardedPacketsAreHeldToTheKernelsMtu(String src, String dst, int mtu) {
        RouteResult r = node().build().inputRoute(received(src, dst, "eth0"));
        assertEquals(RouteKind.FORWARD, r.kind());
        assertEquals(mtu, r.forwardMtu());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2001:db8:2::9, 1400", "2001:db8:21::1, 1300"})
    void ipv6TakesTheDevicesIpv6MtuFromSysctlUnlessTheRouteLocksOne(String dst, int mtu) {
        RouteResult r = node().set("net.ipv6.conf.eth2.mtu = 1400").build().inputRoute(received("2001:db8::5", dst,
                "eth0"));
        assertEquals(mtu, r.forwardMtu());
    }
}
