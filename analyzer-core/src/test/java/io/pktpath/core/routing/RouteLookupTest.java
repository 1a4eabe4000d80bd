package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.RouteDecision;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Input route lookups on the router fixture r1: longest prefix, metric, policy rules, route types, multipath. */
class RouteLookupTest {
    private static final NodeNetwork R1 = TestNodes.r1().build();

    @Test
    void longestPrefixThenLowestMetric() {
        RouteResult wide = R1.inputRoute(received("10.1.0.5", "10.50.2.9", "eth1"));
        assertEquals(RouteKind.FORWARD, wide.kind());
        assertEquals(Optional.of("eth2"), wide.outDev());
        assertEquals(Optional.of(ip("10.2.0.254")), wide.nextHop());
        assertEquals(new RouteDecision(32766, "main", "10.50.0.0/16", "unicast", "eth2", "10.2.0.254", "",
                "10.50.0.0/16 via 10.2.0.254 dev eth2 metric 50"), wide.decision());

        RouteResult narrow = R1.inputRoute(received("10.1.0.5", "10.50.1.9", "eth1"));
        assertEquals(Optional.of("eth1"), narrow.outDev());
        assertEquals(Optional.of(ip("10.1.0.253")), narrow.nextHop());
        assertEquals("10.50.1.0/24", narrow.decision().prefix());
    }

    @Test
    void onLinkDestinationIsTheNextHop() {
        RouteResult r = R1.inputRoute(received("10.1.0.5", "10.2.0.9", "eth1"));
        assertEquals(Optional.of(ip("10.2.0.9")), r.nextHop());
        assertEquals("", r.decision().via());
        assertEquals("10.2.0.0/24 dev eth2 proto kernel scope link src 10.2.0.1", r.decision().routeText());
    }

    @Test
    void fwmarkRuleComparesUnderItsMask() {
        RouteResult marked = R1.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2").withMark(0x13));
        assertEquals(100, marked.decision().rulePriority());
        assertEquals("100", marked.decision().table());
        assertEquals(Optional.of("eth2"), marked.outDev());
        assertEquals(Optional.of(ip("10.2.0.254")), marked.nextHop());

        RouteResult other = R1.inputRoute(received("10.2.0.5", "8.8.8.8", "eth2").withMark(0x23));
        assertEquals(32766, other.decision().rulePriority());
        assertEquals(Optional.of("eth0"), other.outDev());
        assertEquals(Optional.of(ip("192.0.2.2")), other.nextHop());
    }

    @Test
    void fromAndIifSelectTheTable() {
        RouteResult fromEth1 = R1.inputRoute(received("10.1.0.5", "10.70.1.1", "eth1"));
        assertEquals(150, fromEth1.decision().rulePriority());
        assertEquals("200", fromEth1.decision().table());
        assertEquals(Optional.of("eth2"), fromEth1.outDev());

        RouteResult sameSourceOtherIif = R1.inputRoute(received("10.1.0.5", "10.70.1.1", "eth2"));
        assertEquals(32766, sameSourceOtherIif.decision().rulePriority());
        assertEquals(Optional.of("eth0"), sameSourceOtherIif.outDev());

        RouteResult otherSource = R1.inputRoute(received("10.1.1.5", "10.70.1.1", "eth1"));
        assertEquals(32766, otherSource.decision().rulePriority());
    }

    @Test
    void gotoSkipsTheRulesInBetween() {
        RouteResult r = R1.inputRoute(received("10.1.0.5", "10.70.1.1", "eth1").withMark(0x99));
        assertEquals(32766, r.decision().rulePriority());
        assertEquals(Optional.of("eth0"), r.outDev());
    }

    @Test
    void throwContinuesWithTheNextRule() {
        RouteResult r = R1.inputRoute(received("10.2.0.5", "10.55.1.1", "eth2"));
        assertEquals(RouteKind.FORWARD, r.kind());
        assertEquals(32766, r.decision().rulePriority());
        assertEquals(Optional.of(ip("10.1.0.252")), r.nextHop());
        assertEquals(List.of("throw 10.55.0.0/16 in table 100 (rule 200): continuing with the next rule"), r.notes());
    }

    @Test
    void rejectingRouteTypes() {
        RouteResult unreachable = R1.inputRoute(received("10.2.0.5", "10.67.0.1", "eth2"));
        assertEquals(RouteKind.UNREACHABLE, unreachable.kind());
        assertEquals(Optional.of(Disposition.UNREACHABLE_ROUTE), unreachable.disposition());
        assertEquals("ICMP 3/1 host unreachable", unreachable.icmpError().orElseThrow().toString());
        assertEquals(new RouteDecision(32766, "main", "10.67.0.0/16", "unreachable", "", "", "",
                "unreachable 10.67.0.0/16"), unreachable.decision());

        RouteResult prohibit = R1.inputRoute(received("10.2.0.5", "10.68.0.1", "eth2"));
        assertEquals(RouteKind.PROHIBIT, prohibit.kind());
        assertEquals(Optional.of(new IcmpError(3, 13, "communication administratively prohibited")), prohibit.icmpError());

        RouteResult blackhole = R1.inputRoute(received("10.2.0.5", "10.66.0.1", "eth2"));
        assertEquals(RouteKind.BLACKHOLE, blackhole.kind());
        assertEquals(Optional.of(Disposition.BLACKHOLE_ROUTE), blackhole.disposition());
        assertEquals(Optional.empty(), blackhole.icmpError());
    }

    @Test
    void ruleActionsReject() {
        RouteResult unreachable = R1.inputRoute(received("10.2.0.5", "10.77.0.1", "eth2"));
        assertEquals(RouteKind.UNREACHABLE, unreachable.kind());
        assertEquals(300, unreachable.decision().rulePriority());
        assertEquals("unreachable", unreachable.decision().type());
        assertEquals("", unreachable.decision().table());
        assertEquals(RouteKind.PROHIBIT, R1.inputRoute(received("10.2.0.5", "10.78.0.1", "eth2")).kind());
        assertEquals(RouteKind.BLACKHOLE, R1.inputRoute(received("10.2.0.5", "10.79.0.1", "eth2")).kind());
    }

    @Test
    void localDeliveryOnAnyInterfaceWeakHost() {
        for (String dst : List.of("192.0.2.1", "192.0.2.7", "198.51.100.1", "10.2.0.1")) {
            RouteResult r = R1.inputRoute(received("10.1.0.5", dst, "eth1"));
            assertEquals(RouteKind.LOCAL, r.kind(), dst);
            assertEquals(0, r.decision().rulePriority(), dst);
            assertEquals("local", r.decision().table(), dst);
            assertEquals(Optional.empty(), r.outDev(), dst);
        }
        assertEquals("eth0", R1.inputRoute(received("10.1.0.5", "192.0.2.7", "eth1")).decision().dev());
    }

    @Test
    void broadcastsAreDeliveredLocally() {
        RouteResult subnet = R1.inputRoute(received("10.1.0.5", "10.1.0.255", "eth1", 17, 68, 67));
        assertEquals(RouteKind.BROADCAST, subnet.kind());
        assertEquals("broadcast", subnet.decision().type());
        RouteResult limited = R1.inputRoute(received("10.1.0.5", "255.255.255.255", "eth1", 17, 68, 67));
        assertEquals(RouteKind.BROADCAST, limited.kind());
    }

    @Test
    void multipathListsEveryNextHopAndPicksTheFirst() {
        RouteResult r = R1.inputRoute(received("10.2.0.5", "10.60.1.1", "eth2"));
        assertEquals(RouteKind.FORWARD, r.kind());
        assertEquals(List.of(new NextHopOption(Optional.of(ip("10.1.0.254")), "eth1", 1, 1500),
                new NextHopOption(Optional.of(ip("10.2.0.254")), "eth2", 1, 1500)), r.nextHops());
        assertEquals(Optional.of(ip("10.1.0.254")), r.nextHop());
        assertTrue(r.notes().contains("multipath: kernel hashes the flow over 2 next hops (via 10.1.0.254 dev eth1 "
                + "weight 1; via 10.2.0.254 dev eth2 weight 1); the first is shown"), r.notes().toString());
    }

    @Test
    void deadRoutesAreSkippedLinkdownRoutesUsedUnlessIgnored() {
        RouteResult dead = R1.inputRoute(received("10.2.0.5", "10.90.1.1", "eth2"));
        assertEquals("default", dead.decision().prefix());
        assertEquals(Optional.of("eth0"), dead.outDev());

        RouteResult linkdown = R1.inputRoute(received("10.2.0.5", "10.4.0.9", "eth2"));
        assertEquals(Optional.of("eth3"), linkdown.outDev());
        assertTrue(linkdown.notes().contains(
                "route is linkdown (no carrier on eth3): the device drops what it cannot send"), linkdown.notes().toString());

        NodeNetwork ignoring = TestNodes.r1().set("net.ipv4.conf.all.ignore_routes_with_linkdown = 1").build();
        assertEquals(Optional.of("eth0"), ignoring.inputRoute(received("10.2.0.5", "10.4.0.9", "eth2")).outDev());
    }

    @Test
    void ipv6WithoutRulesUsesDefaultRulesAndReportsNoRoute() {
        assertEquals(List.of("no ip rule output for IPv6; kernel default rules assumed (0 local, 32766 main)"),
                R1.assumptions());
        RouteResult onLink = R1.inputRoute(received("2001:db8:1::5", "2001:db8:1::9", "eth0"));
        assertEquals(RouteKind.FORWARD, onLink.kind());
        assertEquals(Optional.of(ip("2001:db8:1::9")), onLink.nextHop());
        RouteResult none = R1.inputRoute(received("2001:db8:1::5", "2001:db8:99::1", "eth0"));
        assertEquals(RouteKind.NO_ROUTE, none.kind());
        assertEquals(Optional.of(new IcmpError(1, 0, "no route to destination")), none.icmpError());
        assertEquals(RouteKind.LOCAL, R1.inputRoute(received("2001:db8:1::5", "2001:db8:1::1", "eth0")).kind());
    }

    @Test
    void selectorsTheReplayCannotKnowAreNotedAndDoNotMatch() {
        NodeNetwork node = TestNodes.r1().rules("0:\tfrom all lookup local\n"
                + "90:\tfrom all uidrange 1000-2000 lookup 100\n"
                + "95:\tfrom all uidrange 0-0 lookup 200\n"
                + "32766:\tfrom all lookup main\n").build();
        RouteResult sent = node.outputRoute(TestNodes.local("0.0.0.0", "10.70.1.1"));
        assertEquals(32766, sent.decision().rulePriority());
        assertEquals(List.of("ip rule 90 selects uidrange; the sending socket's uid is unknown, treated as not matching",
                "ip rule 95 selects uidrange; the sending socket's uid is unknown, treated as not matching"), sent.notes());
        RouteResult forwarded = node.inputRoute(received("10.1.0.5", "10.70.1.1", "eth1"));
        assertEquals(95, forwarded.decision().rulePriority(), "received packets carry uid 0");
        assertEquals(Optional.of("eth2"), forwarded.outDev());
    }
}
