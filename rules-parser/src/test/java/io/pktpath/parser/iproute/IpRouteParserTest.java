package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpRouteParserTest {
    private static IpAddress ip(String s) throws Exception {
        return IpAddress.parse(s);
    }

    private static Cidr cidr(String s) throws Exception {
        return Cidr.parse(s);
    }

    @ParameterizedTest
    @CsvSource({
            "aws-vpc-cni-host-main.ip-route, 6, V4",
            "aws-vpc-cni-host-table-eni-1.ip-route, 2, V4",
            "aws-vpc-cni-pod.ip-route, 2, V4",
            "iptables_semantics-loft-of-conv-test.ip-route, 3, V4",
            "iptables_semantics-loft-rfc2544.ip-route, 3, V4",
            "iptables_semantics-routing-ex-ipv6.ip-route, 3, V6",
            "iptables_semantics-routing-ex.ip-route, 5, V4",
            "jc-centos-7.7.ip-route, 4, V4",
            "jc-ubuntu-18.04.ip-route, 4, V4"})
    void everyPeerRouteFileParsesWithoutDiagnostics(String file, int routes, IpFamily family) {
        Parsed<List<Route>> parsed = IpRouteParser.parse(file, PeerFiles.readStripped(file));
        assertEquals(List.of(), parsed.diagnostics());
        assertEquals(routes, parsed.value().size());
        assertTrue(parsed.value().stream().allMatch(r -> r.family() == family));
        assertTrue(parsed.value().stream().allMatch(r -> r.table().equals("main")));
    }

    @Test
    void oldStyleDoubleSpacedRouteIsReadFieldByField() throws Exception {
        String file = "iptables_semantics-loft-of-conv-test.ip-route";
        Route r = IpRouteParser.parse(file, PeerFiles.read(file)).value().get(1);
        assertEquals(cidr("10.0.1.0/24"), r.destination());
        assertEquals(Optional.of("s1-lan"), r.dev());
        assertEquals("kernel", r.proto());
        assertEquals("link", r.scope());
        assertEquals(Optional.of(ip("10.0.1.1")), r.src());
        assertEquals(0L, r.metric());
        assertEquals(2, r.span().line());
        assertEquals("10.0.1.0/24 dev s1-lan  proto kernel  scope link  src 10.0.1.1", r.text());
    }

    @Test
    void newStyleDefaultRouteAndLinkdownFlag() throws Exception {
        String file = "jc-centos-7.7.ip-route";
        List<Route> routes = IpRouteParser.parse(file, PeerFiles.read(file)).value();
        Route def = routes.get(0);
        assertEquals(Cidr.any(IpFamily.V4), def.destination());
        assertEquals(Optional.of(ip("10.0.2.2")), def.via());
        assertEquals("dhcp", def.proto());
        assertEquals("global", def.scope());
        assertEquals(100L, def.metric());
        assertEquals(java.util.Set.of("linkdown"), routes.get(3).flags());
        assertEquals(Optional.of("docker0"), routes.get(3).dev());
    }

    @Test
    void ipv6DefaultTakesFamilyFromGateway() throws Exception {
        String file = "iptables_semantics-routing-ex-ipv6.ip-route";
        Route def = IpRouteParser.parse(file, PeerFiles.read(file)).value().get(2);
        assertEquals(Cidr.any(IpFamily.V6), def.destination());
        assertEquals(Optional.of(ip("2400:6180:0:d0::1")), def.via());
        assertEquals(1024L, def.metric());
    }

    @Test
    void anIpv6ListingWhoseOnlyAddressesStartWithAColonIsIpv6() {
        // ip -6 route show table all of a host with only lo's ::1 and a default route through a device: no address
        // starts with a hex digit, and the default line's family is the file's
        List<Route> routes = IpRouteParser.parse("ip-6-route.txt", """
                local ::1 dev lo table local proto kernel metric 0 pref medium
                default dev eth0 metric 1024 pref medium
                """).value();
        assertEquals(List.of(IpFamily.V6, IpFamily.V6), routes.stream().map(Route::family).toList());
        assertEquals(Cidr.any(IpFamily.V6), routes.get(1).destination());
        // a device route alone: only IPv6 routes carry a router preference
        Route only = IpRouteParser.parse("ip-6-route.txt", "default dev eth0 metric 1024 pref medium\n").value().get(0);
        assertEquals(Cidr.any(IpFamily.V6), only.destination());
        // an IPv4 listing stays IPv4
        Route v4 = IpRouteParser.parse("ip-route.txt", "default dev eth0 scope link\n").value().get(0);
        assertEquals(Cidr.any(IpFamily.V4), v4.destination());
    }

    @Test
    void showTableAllReadsTypesTablesAndV6Extras() throws Exception {
        String text = """
                default via 10.0.0.1 dev eth0 proto static metric 100 onlink
                blackhole 10.9.0.0/16 proto static
                local 10.0.0.5 dev eth0 table local proto kernel scope host src 10.0.0.5
                broadcast 10.0.0.255 dev eth0 table local proto kernel scope link src 10.0.0.5
                unreachable 192.0.2.0/24 table 100 metric 5
                throw 198.51.100.0/24 table 254
                prohibit 203.0.113.0/24 table 255
                """;
        List<Route> routes = IpRouteParser.parse("ip-route.txt", text).value();
        assertEquals(7, routes.size());
        assertEquals(List.of(RouteType.UNICAST, RouteType.BLACKHOLE, RouteType.LOCAL, RouteType.BROADCAST,
                RouteType.UNREACHABLE, RouteType.THROW, RouteType.PROHIBIT), routes.stream().map(Route::type).toList());
        assertEquals(List.of("main", "main", "local", "local", "100", "main", "local"),
                routes.stream().map(Route::table).toList());
        assertTrue(routes.get(0).onlink());
        assertEquals(cidr("10.0.0.5/32"), routes.get(2).destination());
        String v6 = """
                unreachable default dev lo proto kernel metric 4294967295 error -101 pref medium
                fe80::/64 dev eth0 proto kernel metric 256 pref medium
                2001:db8::/64 via inet 10.0.0.1 dev eth0 mtu lock 1400 expires 297sec pref high
                multicast ff00::/8 dev eth0 table local proto kernel metric 256 pref medium
                2001:db8:1::/64 dev eth0 metric 1024 mtu 1450 pref medium
                """;
        List<Route> r6 = IpRouteParser.parse("ip-6-route.txt", v6).value();
        assertEquals(Cidr.any(IpFamily.V6), r6.get(0).destination());
        assertEquals(4294967295L, r6.get(0).metric());
        assertEquals(Optional.of("medium"), r6.get(1).pref());
        assertEquals(Optional.of(ip("10.0.0.1")), r6.get(2).via());
        assertEquals(Optional.of(new RouteMtu(1400, true)), r6.get(2).mtu());
        assertEquals(RouteType.MULTICAST, r6.get(3).type());
        assertEquals(Optional.empty(), r6.get(3).mtu());
        assertEquals(Optional.of(new RouteMtu(1450, false)), r6.get(4).mtu());
    }

    @Test
    void multipathNexthopLinesAttachToTheirRoute() throws Exception {
        String text = "default proto static metric 20\n"
                + "\tnexthop via 10.0.0.1 dev eth0 weight 1\n"
                + "\tnexthop via 10.0.1.1 dev eth1 weight 3 onlink\n"
                + "10.1.0.0/16 dev eth2 scope link\n";
        Parsed<List<Route>> p = IpRouteParser.parse("mp.txt", text);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(2, p.value().size());
        Route mp = p.value().get(0);
        assertEquals(List.of(new NextHop(Optional.of(ip("10.0.0.1")), Optional.of("eth0"), 1, java.util.Set.of()),
                new NextHop(Optional.of(ip("10.0.1.1")), Optional.of("eth1"), 3, java.util.Set.of("onlink"))), mp.nexthops());
        assertEquals(Cidr.any(IpFamily.V4), mp.destination());
    }

    @Test
    void unknownKeywordIsAnErrorAtItsColumnAndTheLineIsSkipped() {
        Parsed<List<Route>> p = IpRouteParser.parse("r.txt", "10.0.0.0/8 dev eth0 bogus 1\n10.1.0.0/16 dev eth1\n");
        assertEquals(1, p.value().size());
        assertEquals(List.of("r.txt:1:21: error[unknown-keyword]: unknown route keyword 'bogus' (expected: a route "
                + "attribute such as dev, via, proto, scope, src, metric, table, pref, mtu, onlink or nexthop)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void unknownRouteTypeIsAnError() {
        Parsed<List<Route>> p = IpRouteParser.parse("r.txt", "dropit 10.0.0.0/8 dev eth0\n");
        assertEquals(0, p.value().size());
        assertEquals(List.of("r.txt:1:1: error[unknown-route-type]: unknown route type 'dropit' (expected: one of unicast, "
                + "local, broadcast, multicast, blackhole, unreachable, prohibit, throw, anycast, nat)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void badPrefixIsAnError() {
        Parsed<List<Route>> p = IpRouteParser.parse("r.txt", "10.0.0.0/33 dev eth0\n");
        assertEquals(List.of("r.txt:1:1: error[bad-prefix]: prefix length 33 is longer than 32 in '10.0.0.0/33' "
                + "(expected: a prefix length 0-32)"), p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void truncatedLineSaysTheValueIsMissing() {
        Parsed<List<Route>> p = IpRouteParser.parse("r.txt", "default via 10.0.0.1 dev\n");
        assertEquals(0, p.value().size());
        assertEquals(List.of("r.txt:1:25: error[missing-value]: 'dev' has no value (line truncated?) "
                + "(expected: an interface name)"), p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void nexthopWithoutRouteIsAnError() {
        Parsed<List<Route>> p = IpRouteParser.parse("r.txt", "\tnexthop via 10.0.0.1 dev eth0 weight 1\n");
        assertEquals(List.of("r.txt:1:2: error[orphan-nexthop]: 'nexthop' line without a route before it "
                + "(expected: a route line before its nexthop lines)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void tableOfAOneTableListingIsTheGivenOne() {
        String file = "aws-vpc-cni-host-table-eni-1.ip-route";
        List<Route> routes = IpRouteParser.parse(file, PeerFiles.read(file), Optional.empty(), "eni-1").value();
        assertEquals(List.of("eni-1", "eni-1"), routes.stream().map(Route::table).toList());
    }

    @Test
    void badJsonRoutesAreDiagnosedAndSkipped() {
        String json = "[{\"type\":\"bogus\",\"dst\":\"10.0.0.0/8\"},\n"
                + "{\"dst\":\"default\",\"nexthops\":[{\"gateway\":\"10.0.0.1\",\"weight\":0}]},\n"
                + "{\"dst\":\"10.1.0.0/16\",\"dev\":\"eth0\"}]";
        Parsed<List<Route>> p = IpRouteJsonParser.parse("r.json", json);
        assertEquals(1, p.value().size());
        assertEquals(List.of("r.json:1:2: error[bad-route]: unknown route type 'bogus' (expected: one of unicast, local, "
                        + "broadcast, multicast, blackhole, unreachable, prohibit, throw, anycast, nat)",
                "r.json:2:1: error[bad-route]: nexthop weight must be >= 1: 0 (expected: values as ip -j prints them)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void jsonRouteMtuIsNeverLockedForIpDoesNotPrintTheLock() {
        String json = "[{\"dst\":\"2001:db8::/64\",\"dev\":\"eth0\",\"metrics\":[{\"mtu\":1400}]}]";
        Parsed<List<Route>> p = IpRouteJsonParser.parse("r.json", json);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(Optional.of(new RouteMtu(1400, false)), p.value().get(0).mtu());
    }
}
