package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.local;
import static io.pktpath.core.routing.TestNodes.received;
import static io.pktpath.core.routing.TestNodes.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Source addresses: MASQUERADE (§5.4, §11.18), local senders (§6.3), REDIRECT (§5.5) and reroutes (§1.2). */
class SourceSelectionTest {
    private static final NodeNetwork R1 = TestNodes.r1().build();
    private static final NodeNetwork WG = TestNodes.node().addr(resource("wg-ip-addr.txt"))
            .routes(resource("wg-ip-route.txt")).rules(resource("wg-ip-rule.txt")).build();

    /** §11.18: default via 192.0.2.2 src 198.51.100.1; 192.0.2.1/24, 198.51.100.1/24, 192.0.2.7/24 secondary. */
    @Test
    void masqueradeChoicesOfTheLab() {
        RouteResult forwarded = R1.inputRoute(received("10.1.0.5", "8.8.8.8", "eth1"));
        assertEquals(Optional.of(ip("192.0.2.2")), forwarded.nextHop());
        assertEquals(Optional.of(ip("192.0.2.1")), R1.masqueradeSource(forwarded.outDev().orElseThrow(),
                forwarded.nextHop().orElseThrow()));
        assertEquals(Optional.of(ip("198.51.100.1")), R1.masqueradeSource("eth0", ip("198.51.100.20")));
        assertEquals(Optional.of(ip("192.0.2.1")), R1.masqueradeSource("eth0", ip("203.0.113.9")));
        assertEquals(Optional.of(ip("198.51.100.1")), R1.outputRoute(local("0.0.0.0", "8.8.8.8")).source());
    }

    @Test
    void masqueradeFallsBackToAnotherInterfaceAndIpv6UsesSourceSelection() {
        assertEquals(Optional.of(ip("192.0.2.1")), R1.masqueradeSource("eth4", ip("10.9.9.9")));
        assertEquals(Optional.of(ip("2001:db8:1::1")), R1.masqueradeSource("eth0", ip("2001:db8:1::99")));
        assertEquals(Optional.of(ip("fe80::1")), R1.masqueradeSource("eth0", ip("fe80::2")));
    }

    @Test
    void outputSourceFollowsRouteSrcThenTheDevice() {
        RouteResult viaGateway = R1.outputRoute(local("0.0.0.0", "10.50.2.9"));
        assertEquals(RouteKind.SEND, viaGateway.kind());
        assertEquals(Optional.of(ip("10.2.0.1")), viaGateway.source());
        assertEquals("10.2.0.1", viaGateway.decision().src());
        assertEquals(Optional.of(ip("10.8.0.1")), R1.outputRoute(local("0.0.0.0", "10.8.0.5")).source());

        RouteResult toSecondary = R1.outputRoute(local("0.0.0.0", "192.0.2.7"));
        assertEquals(RouteKind.LOCAL, toSecondary.kind());
        assertEquals(Optional.of("lo"), toSecondary.outDev());
        assertEquals(Optional.of(ip("192.0.2.1")), toSecondary.source());

        RouteResult noAddressOnDevice = WG.outputRoute(local("0.0.0.0", "10.99.1.1"));
        assertEquals(Optional.of("dummy0"), noAddressOnDevice.outDev());
        assertEquals(Optional.of(ip("192.168.1.20")), noAddressOnDevice.source());
    }

    @Test
    void boundSourceIsUsedForTheSecondLookupAndNoted() {
        RouteResult r = R1.outputRoute(local("10.1.0.1", "8.8.8.8"));
        assertEquals(Optional.of(ip("198.51.100.1")), r.source());
        assertEquals(List.of("the packet's source 10.1.0.1 is not the address the kernel picks for an unbound socket "
                + "(198.51.100.1): the socket was bound to it"), r.notes());
    }

    @Test
    void suppressPrefixlengthAndInvertedFwmarkAsWgQuickSetsThem() {
        RouteResult tunnel = WG.outputRoute(local("0.0.0.0", "1.1.1.1"));
        assertEquals(RouteKind.SEND, tunnel.kind());
        assertEquals(32765, tunnel.decision().rulePriority());
        assertEquals(Optional.of("wg0"), tunnel.outDev());
        assertEquals(Optional.of(ip("10.66.66.2")), tunnel.source());
        assertEquals(List.of("rule 32764 suppress_prefixlength 0 ignored default in table main"), tunnel.notes());

        RouteResult marked = WG.outputRoute(local("0.0.0.0", "1.1.1.1").withMark(0xca6c));
        assertEquals(32766, marked.decision().rulePriority());
        assertEquals(Optional.of(ip("192.168.1.1")), marked.nextHop());
        assertEquals(Optional.of(ip("192.168.1.20")), marked.source());

        assertEquals(32764, WG.outputRoute(local("0.0.0.0", "192.168.1.5")).decision().rulePriority());
    }

    @Test
    void derivedLocalTableIsUsedAndReported() {
        assertEquals(List.of("ip route show table all has no local-table entries for IPv4; derived 6 local/broadcast "
                + "entries from the interface addresses", "no ip rule output for IPv6; kernel default rules assumed "
                + "(0 local, 32766 main)"), WG.assumptions());
        RouteResult r = WG.inputRoute(received("192.168.1.5", "192.168.1.20", "eth0"));
        assertEquals(RouteKind.LOCAL, r.kind());
        assertEquals("local 192.168.1.20 dev eth0 table local proto kernel scope host src 192.168.1.20",
                r.decision().routeText());
        assertEquals(RouteKind.BROADCAST, WG.inputRoute(received("192.168.1.5", "192.168.1.255", "eth0", 17, 5353,
                5353)).kind());
        assertEquals(true, WG.isLocal(ip("127.0.0.9")));
    }

    @Test
    void rerouteAfterOutputKeepsTheFirstSource() {
        RouteResult first = R1.outputRoute(local("0.0.0.0", "8.8.8.8"));
        assertEquals(Optional.of("eth0"), first.outDev());
        RouteResult again = R1.reroute(local("198.51.100.1", "8.8.8.8").withMark(0x10), first);
        assertEquals(Optional.of("eth2"), again.outDev());
        assertEquals(100, again.decision().rulePriority());
        assertEquals(Optional.of(ip("198.51.100.1")), again.source());
        assertEquals("198.51.100.1", again.decision().src());
        assertEquals(List.of("reroute after OUTPUT keeps the source 198.51.100.1 chosen by the first lookup"),
                again.notes());
    }

    @Test
    void localSendersSeeErrnosForRejectingRoutes() {
        NodeNetwork node = TestNodes.bundle("route-errors").build();
        assertEquals(Optional.of("EINVAL"), node.outputRoute(local("0.0.0.0", "10.61.0.1")).errno());
        assertEquals(Optional.of("EHOSTUNREACH"), node.outputRoute(local("0.0.0.0", "10.60.0.1")).errno());
        assertEquals(Optional.of("EACCES"), node.outputRoute(local("0.0.0.0", "10.62.0.1")).errno());
        RouteResult none = node.outputRoute(local("0.0.0.0", "10.63.0.1"));
        assertEquals(RouteKind.NO_ROUTE, none.kind());
        assertEquals(Optional.of("ENETUNREACH"), none.errno());
        assertEquals(Optional.empty(), none.icmpError());
    }

    @Test
    void redirectUsesTheInputDevicesFirstAddress() {
        assertEquals(Optional.of(ip("192.0.2.1")), R1.redirectAddress("eth0", IpFamily.V4));
        assertEquals(Optional.of(ip("2001:db8:1::1")), R1.redirectAddress("eth0", IpFamily.V6));
        assertEquals(Optional.of(ip("127.0.0.1")), R1.redirectAddress("", IpFamily.V4));
        assertEquals(Optional.of(ip("::1")), R1.redirectAddress("", IpFamily.V6));
        assertEquals(Optional.empty(), R1.redirectAddress("eth4", IpFamily.V4));
    }

    @Test
    void fromRulesMatchOnlyOnceTheSourceIsKnown() {
        NodeNetwork node = TestNodes.r1().rules("0:\tfrom all lookup local\n"
                + "10:\tfrom 198.51.100.1 lookup 200\n32766:\tfrom all lookup main\n").build();
        RouteResult r = node.outputRoute(local("0.0.0.0", "10.70.1.1"));
        assertEquals(Optional.of(ip("198.51.100.1")), r.source());
        assertEquals(10, r.decision().rulePriority());
        assertEquals(Optional.of("eth2"), r.outDev());
        assertEquals(List.of("looked up with source 198.51.100.1 (connect(), or a bound socket) via ip rule 10; a "
                + "socket sending unconnected with no bound address would use ip rule 32766 (table main)"), r.notes());
    }
}
