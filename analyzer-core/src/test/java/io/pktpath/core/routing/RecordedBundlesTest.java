package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.RouteDecision;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Route decisions against bundles recorded on a real kernel (samples/bundles, outcomes from their README.md). */
class RecordedBundlesTest {
    @Test
    void clusterIpSynIsForwardedToTheEndpointVeth() {
        NodeNetwork node = TestNodes.bundle("clusterip-tcp").build();
        assertEquals(List.of(), node.assumptions());
        RouteResult syn = node.inputRoute(received("10.244.1.2", "10.244.1.3", "cali62608e08adc", Packet.TCP, 47730,
                8080));
        assertEquals(RouteKind.FORWARD, syn.kind());
        assertEquals(new RouteDecision(32766, "main", "10.244.1.3", "unicast", "calie694aa37abf", "", "",
                "10.244.1.3 dev calie694aa37abf scope link"), syn.decision());
        NeighborResult n = node.neighbor(syn.nextHop().orElseThrow(), syn.outDev().orElseThrow());
        assertEquals(Deliverability.DELIVERABLE, n.deliverability());
        assertEquals(Optional.of("56:1b:1a:29:91:54"), n.lladdr());

        RouteResult reply = node.inputRoute(received("10.244.1.3", "10.244.1.2", "calie694aa37abf", Packet.TCP, 8080,
                47730));
        assertEquals(Optional.of("cali62608e08adc"), reply.outDev());
        assertEquals("REACHABLE", node.neighbor(ip("10.244.1.2"), "cali62608e08adc").state());
        assertEquals("calie694aa37abf", node.interfaceByIndex(4).orElseThrow().name());
    }

    @Test
    void markedSynsUseTable100AndAreMasqueradedToEth1() {
        NodeNetwork node = TestNodes.bundle("policy-routing-fwmark").build();
        RouteResult marked = node.inputRoute(received("10.244.1.2", "198.51.100.10", "cali62608e08adc", Packet.TCP,
                45001, 443).withMark(0x10));
        assertEquals(new RouteDecision(100, "100", "default", "unicast", "eth1", "172.18.1.1", "",
                "default via 172.18.1.1 dev eth1 table 100"), marked.decision());
        assertEquals(Optional.of(ip("172.18.1.2")), node.masqueradeSource("eth1", marked.nextHop().orElseThrow()));

        RouteResult plain = node.inputRoute(received("10.244.1.2", "198.51.100.10", "cali62608e08adc", Packet.TCP,
                45003, 80));
        assertEquals(32766, plain.decision().rulePriority());
        assertEquals(Optional.of("eth0"), plain.outDev());
        assertEquals(Optional.of(ip("172.18.0.2")), node.masqueradeSource("eth0", plain.nextHop().orElseThrow()));

        RouteResult replyToPod = node.inputRoute(received("198.51.100.10", "10.244.1.2", "eth1", Packet.TCP, 443,
                45001));
        assertEquals(Optional.of("cali62608e08adc"), replyToPod.outDev());
    }

    @Test
    void routeErrorsTableOfTheReadme() {
        NodeNetwork node = TestNodes.bundle("route-errors").build();
        String pod = "cali62608e08adc";
        RouteResult ok = node.inputRoute(received("10.244.1.2", "10.70.0.1", pod, Packet.UDP, 40000, 9));
        assertEquals(RouteKind.FORWARD, ok.kind());
        assertEquals(Optional.of(ip("172.18.0.1")), ok.nextHop());

        RouteResult none = node.inputRoute(received("10.244.1.2", "10.63.0.1", pod, Packet.UDP, 40000, 9));
        assertEquals(RouteKind.NO_ROUTE, none.kind());
        assertEquals(Optional.of(Disposition.NO_ROUTE), none.disposition());
        assertEquals(Optional.of(new IcmpError(3, 0, "net unreachable")), none.icmpError());
        assertEquals(List.of("no rule's table has a route to the destination: network unreachable"), none.notes());
        assertEquals(new RouteDecision(-1, "", "", "", "", "", "", ""), none.decision());

        assertEquals(Optional.of(new IcmpError(3, 1, "host unreachable")),
                node.inputRoute(received("10.244.1.2", "10.60.0.1", pod, Packet.UDP, 40000, 9)).icmpError());
        RouteResult blackhole = node.inputRoute(received("10.244.1.2", "10.61.0.1", pod, Packet.UDP, 40000, 9));
        assertEquals(RouteKind.BLACKHOLE, blackhole.kind());
        assertEquals(Optional.empty(), blackhole.icmpError());
        assertEquals(Optional.of(new IcmpError(3, 13, "communication administratively prohibited")),
                node.inputRoute(received("10.244.1.2", "10.62.0.1", pod, Packet.UDP, 40000, 9)).icmpError());
        assertEquals(List.of(), node.inputRoute(received("10.244.1.2", "10.62.0.1", pod)).checks(),
                "route errors come before the forwarding and source checks");
    }

    @Test
    void noIcmpForRouteErrorsWhenForwardingIsOff() {
        NodeNetwork node = TestNodes.bundle("route-errors").set("net.ipv4.conf.cali62608e08adc.forwarding = 0").build();
        RouteResult r = node.inputRoute(received("10.244.1.2", "10.60.0.1", "cali62608e08adc"));
        assertEquals(RouteKind.UNREACHABLE, r.kind());
        assertEquals(Optional.empty(), r.icmpError());
    }

    @Test
    void throwExhaustingEveryRuleIsNetworkUnreachable() {
        NodeNetwork node = TestNodes.node().addr(TestNodes.resource("wg-ip-addr.txt"))
                .routes("192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.20 \n"
                        + "throw 10.88.0.0/16 table 300 \n")
                .rules("0:\tfrom all lookup local\n10:\tfrom all to 10.88.0.0/16 lookup 300\n32766:\tfrom all lookup main\n")
                .set("net.ipv4.ip_forward = 1").build();
        RouteResult r = node.inputRoute(received("192.168.1.5", "10.88.1.1", "eth0"));
        assertEquals(RouteKind.NO_ROUTE, r.kind());
        assertEquals(List.of("throw 10.88.0.0/16 in table 300 (rule 10): continuing with the next rule",
                "every rule was tried after a throw route: network unreachable"), r.notes());
        assertEquals(Optional.of(new IcmpError(3, 0, "net unreachable")), r.icmpError());
    }
}
