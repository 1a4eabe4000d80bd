package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Local delivery of received multicast by group membership, on the node of bundles/multicast-reports (pod veth
 * cali62608e08adc with fe80::ecee:eeff:feee:eeee/64, IPv6 forwarding on, no multicast routing), where the kernel
 * delivered 224.0.0.1, ff02::1 and ff02::1:ffee:eeee and dropped 224.0.0.22, ff02::16, 239.1.1.1 and ff02::1:3: first
 * without its {@code ip maddr show} (the kernel's own groups only), then with it (ip-maddr.txt decides every group).
 */
class MulticastMembershipTest {
    private static final String CALI = "cali62608e08adc";
    private static final String POD6 = "fe80::78bb:1eff:fef6:c734";

    private static RouteResult route(NodeNetwork node, String src, String group, int proto) {
        return node.inputRoute(received(src, group, CALI, proto, proto == Packet.UDP ? 40000 : 0,
                proto == Packet.UDP ? 9999 : 0));
    }

    @Test
    void groupsTheKernelJoinsAreDeliveredWithoutAnAssumption() {
        NodeNetwork node = TestNodes.bundle("multicast-reports").build();
        for (String[] c : new String[][] {{"10.244.1.2", "224.0.0.1"}, {POD6, "ff02::1"}, {POD6, "ff01::1"},
                {POD6, "ff02::1:ffee:eeee"}, {POD6, "ff02::2"}, {POD6, "ff02::1:ff00:0"}}) {
            RouteResult r = route(node, c[0], c[1], Packet.UDP);
            assertEquals(RouteKind.MULTICAST, r.kind(), c[1]);
            assertEquals(List.of(), r.notes(), c[1]);
            assertEquals(Optional.empty(), r.disposition(), c[1]);
        }
    }

    @Test
    void reportGroupsAreNotJoinedWithoutMulticastRouting() {
        NodeNetwork node = TestNodes.bundle("multicast-reports").build();
        RouteResult mld = route(node, POD6, "ff02::16", 58);
        assertEquals(RouteKind.CHECK_FAILED, mld.kind());
        assertEquals(Optional.of(Disposition.NOT_JOINED), mld.disposition());
        assertEquals(Optional.of(new CheckStep(null, "multicast membership", false, "ff02::16 (MLDv2 reports) is not"
                + " joined on " + CALI + ": only a multicast router listens to it and net.ipv6.conf.all.mc_forwarding is"
                + " absent (0); the kernel drops it in ip6_mc_input (ipv6_chk_mcast_addr)")), mld.failedCheck());

        RouteResult igmp = route(node, "10.244.1.2", "224.0.0.22", 2);
        assertEquals(Optional.of(Disposition.NOT_JOINED), igmp.disposition());
        assertEquals("224.0.0.22 (IGMPv3 reports) is not joined on " + CALI + ": only a multicast router listens to it"
                + " and net.ipv4.conf.all.mc_forwarding is absent (0); the kernel drops it in ip_route_input"
                + " (ip_check_mc_rcu)", igmp.failedCheck().orElseThrow().detail());
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(node, "10.244.1.2", "224.0.0.2", 17).disposition());
    }

    @Test
    void aSolicitedNodeGroupOfNoAddressOfTheDeviceIsNotJoined() {
        NodeNetwork node = TestNodes.bundle("multicast-reports").build();
        RouteResult r = route(node, POD6, "ff02::1:ff00:2", 58);
        assertEquals(Optional.of(Disposition.NOT_JOINED), r.disposition());
        assertEquals("ff02::1:ff00:2 is a solicited-node group and no address of " + CALI + " (ip addr) ends in its low"
                + " 24 bits: the kernel drops it in ip6_mc_input (ipv6_chk_mcast_addr)", r.failedCheck().get().detail());
    }

    @Test
    void allRoutersNeedsForwardingAndMulticastRoutingMakesReportGroupsUnknown() {
        NodeNetwork noForwarding = TestNodes.bundle("multicast-reports")
                .set("net.ipv6.conf." + CALI + ".forwarding = 0").build();
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(noForwarding, POD6, "ff02::2", 58).disposition());
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(noForwarding, POD6, "ff02::1:ff00:0", 58).disposition());

        NodeNetwork router = TestNodes.bundle("multicast-reports").set("net.ipv6.conf.all.mc_forwarding = 1").build();
        RouteResult r = route(router, POD6, "ff02::16", 58);
        assertEquals(RouteKind.MULTICAST, r.kind());
        assertEquals(List.of("delivered locally only if " + CALI + " joined ff02::16 (MLDv2 reports): multicast routing"
                + " is on (net.ipv6.conf.all.mc_forwarding or net.ipv6.conf." + CALI + ".mc_forwarding = 1), a routing"
                + " daemon may have joined it; assumed joined"), r.notes());
    }

    @Test
    void otherGroupsStayAssumedJoined() {
        NodeNetwork node = TestNodes.bundle("multicast-reports").build();
        RouteResult r = route(node, "10.244.1.2", "239.1.1.1", Packet.UDP);
        assertEquals(RouteKind.MULTICAST, r.kind());
        assertEquals(List.of("delivered locally only if a socket joined 239.1.1.1 on " + CALI
                + " (group membership is not in the bundle); assumed joined"), r.notes());
        assertEquals(List.of("delivered locally only if a socket joined ff02::1:3 on " + CALI
                + " (group membership is not in the bundle); assumed joined"),
                route(node, POD6, "ff02::1:3", Packet.UDP).notes());
    }

    private static TestNodes withMaddr() {
        return TestNodes.bundle("multicast-reports").maddr(TestNodes.resource("bundle-multicast-reports/ip-maddr.txt"));
    }

    @Test
    void theListingDecidesEveryGroupOfAListedDevice() {
        NodeNetwork node = withMaddr().build();
        RouteResult g4 = route(node, "10.244.1.2", "239.1.1.1", Packet.UDP);
        assertEquals(RouteKind.CHECK_FAILED, g4.kind());
        assertEquals(Optional.of(Disposition.NOT_JOINED), g4.disposition());
        assertEquals(Optional.of(new CheckStep(null, "multicast membership", false, "239.1.1.1 is not joined on " + CALI
                + " (ip maddr, ip-maddr.txt:5): the kernel drops it in ip_route_input (ip_check_mc_rcu)")),
                g4.failedCheck());
        RouteResult g6 = route(node, POD6, "ff02::1:3", Packet.UDP);
        assertEquals(Optional.of(Disposition.NOT_JOINED), g6.disposition());
        assertEquals("ff02::1:3 is not joined on " + CALI + " (ip maddr, ip-maddr.txt:5): the kernel drops it in"
                + " ip6_mc_input (ipv6_chk_mcast_addr)", g6.failedCheck().orElseThrow().detail());
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(node, POD6, "ff02::16", 58).disposition());
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(node, "10.244.1.2", "224.0.0.22", 2).disposition());
        for (String[] c : new String[][] {{"10.244.1.2", "224.0.0.1"}, {POD6, "ff02::1"}, {POD6, "ff01::1"},
                {POD6, "ff02::1:ffee:eeee"}, {POD6, "ff02::2"}, {POD6, "ff02::1:ff00:0"}}) {
            RouteResult r = route(node, c[0], c[1], Packet.UDP);
            assertEquals(RouteKind.MULTICAST, r.kind(), c[1]);
            assertEquals(List.of(), r.notes(), c[1]);
        }
    }

    @Test
    void aListedGroupIsJoinedWhateverTheKernelsOwnRulesSay() {
        String maddr = TestNodes.resource("bundle-multicast-reports/ip-maddr.txt")
                + "\tinet  239.1.1.1\n\tinet6 ff02::16 users 2\n";
        NodeNetwork node = withMaddr().maddr(maddr).build();
        RouteResult socketGroup = route(node, "10.244.1.2", "239.1.1.1", Packet.UDP);
        assertEquals(RouteKind.MULTICAST, socketGroup.kind());
        assertEquals(List.of(), socketGroup.notes());
        assertEquals(RouteKind.MULTICAST, route(node, POD6, "ff02::16", 58).kind());
        // multicast routing on, but the listing lacks 224.0.0.22: not joined
        NodeNetwork router = withMaddr().set("net.ipv4.conf.all.mc_forwarding = 1").build();
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(router, "10.244.1.2", "224.0.0.22", 2).disposition());
    }

    @Test
    void aDeviceOrFamilyTheListingLacksKeepsTheKernelsRules() {
        NodeNetwork v4Only = withMaddr().maddr("1:\tlo\n\tinet  224.0.0.1\n2:\t" + CALI + "\n\tinet  224.0.0.1\n")
                .build();
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(v4Only, "10.244.1.2", "239.1.1.1", Packet.UDP)
                .disposition());
        assertEquals(List.of("delivered locally only if a socket joined ff02::1:3 on " + CALI + " (ip maddr lists no"
                + " IPv6 group of " + CALI + "); assumed joined"), route(v4Only, POD6, "ff02::1:3", Packet.UDP).notes());
        assertEquals(Optional.of(Disposition.NOT_JOINED), route(v4Only, POD6, "ff02::16", 58).disposition());
        assertEquals(List.of(), route(v4Only, POD6, "ff02::1:ffee:eeee", 58).notes());

        NodeNetwork loOnly = withMaddr().maddr("1:\tlo\n\tinet  224.0.0.1\n\tinet6 ff02::1\n").build();
        assertEquals(List.of("delivered locally only if a socket joined 239.1.1.1 on " + CALI + " (ip maddr lists no"
                + " IPv4 group of " + CALI + "); assumed joined"), route(loOnly, "10.244.1.2", "239.1.1.1", Packet.UDP)
                .notes());
    }
}
