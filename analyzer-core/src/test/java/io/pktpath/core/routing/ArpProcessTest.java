package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.ArpRule;
import org.junit.jupiter.api.Test;

/**
 * arp_process's answer to a received request (§6.5) on hand-written inputs: the fixture r1 (eth0 192.0.2.1/24, eth1
 * 10.1.0.1/24, eth2 10.2.0.1/24, forwarding on, rp_filter 0) with the ARP sysctls set per test, and Calico's proxy_arp
 * on a recorded bundle.
 */
class ArpProcessTest {
    private static ArpDecision ask(TestNodes node, String dev, String sender, String target) {
        return node.build().arpRequest(dev, ip(sender), ip(target));
    }

    private static void answered(ArpRule rule, ArpDecision d) {
        assertTrue(d.answers(), d.detail());
        assertEquals(rule, d.rule(), d.detail());
    }

    private static void ignored(ArpRule rule, ArpDecision d) {
        assertFalse(d.answers(), d.detail());
        assertEquals(rule, d.rule(), d.detail());
    }

    @Test
    void weakHostModelAnswersForAnyLocalAddressByDefault() {
        ArpDecision d = ask(TestNodes.r1(), "eth1", "10.1.0.5", "10.2.0.1");
        answered(ArpRule.LOCAL, d);
        assertEquals("who-has 10.2.0.1 tell 10.1.0.5 on eth1: 10.2.0.1 is a local address (arp_ignore=0"
                + " (net.ipv4.conf.all.arp_ignore=0 (not in the bundle; kernel default) max"
                + " net.ipv4.conf.eth1.arp_ignore=0 (not in the bundle; kernel default))): answered with eth1's MAC",
                d.detail());
    }

    @Test
    void arpIgnoreOneAnswersOnlyForTheInputDevicesAddresses() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 1");
        ArpDecision other = ask(node, "eth1", "10.1.0.5", "10.2.0.1");
        ignored(ArpRule.ARP_IGNORE, other);
        assertTrue(other.detail().endsWith("and 10.2.0.1 is not configured on eth1: not answered"), other.detail());
        answered(ArpRule.LOCAL, ask(node, "eth1", "10.1.0.5", "10.1.0.1"));
        // another device keeps its own arp_ignore=0
        answered(ArpRule.LOCAL, ask(node, "eth2", "10.2.0.5", "10.1.0.1"));
    }

    @Test
    void arpIgnoreIsTheMaximumOfAllAndTheDevice() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.all.arp_ignore = 1", "net.ipv4.conf.eth1.arp_ignore = 0");
        ignored(ArpRule.ARP_IGNORE, ask(node, "eth1", "10.1.0.5", "10.2.0.1"));
        ignored(ArpRule.ARP_IGNORE, ask(node, "eth2", "10.2.0.5", "10.1.0.1"));
    }

    @Test
    void arpIgnoreTwoAlsoWantsTheSenderInTheAddressesSubnet() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 2");
        answered(ArpRule.LOCAL, ask(node, "eth1", "10.1.0.5", "10.1.0.1"));
        ArpDecision outside = ask(node, "eth1", "10.9.0.5", "10.1.0.1");
        ignored(ArpRule.ARP_IGNORE, outside);
        assertTrue(outside.detail().contains("10.9.0.5 is not in the subnet of eth1's address 10.1.0.1"),
                outside.detail());
        ignored(ArpRule.ARP_IGNORE, ask(node, "eth1", "10.1.0.5", "10.2.0.1"));
    }

    @Test
    void arpIgnoreEightNeverAnswersReservedValuesAlwaysDo() {
        ignored(ArpRule.ARP_IGNORE, ask(TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 8"), "eth1", "10.1.0.5",
                "10.1.0.1"));
        answered(ArpRule.LOCAL, ask(TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 5"), "eth1", "10.1.0.5",
                "10.2.0.1"));
        // 3: no answer for host-scope addresses only; 10.2.0.1 is global
        answered(ArpRule.LOCAL, ask(TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 3"), "eth1", "10.1.0.5",
                "10.2.0.1"));
    }

    @Test
    void duplicateAddressProbesAreAnsweredForLocalAddressesArpIgnoreAllows() {
        answered(ArpRule.DAD_PROBE, ask(TestNodes.r1(), "eth1", "0.0.0.0", "10.1.0.1"));
        ignored(ArpRule.NOT_LOCAL, ask(TestNodes.r1(), "eth1", "0.0.0.0", "10.1.0.99"));
        TestNodes one = TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 1");
        ignored(ArpRule.ARP_IGNORE, ask(one, "eth1", "0.0.0.0", "10.2.0.1"));
        // arp_ignore=2 has no sender to compare for a probe from 0.0.0.0
        answered(ArpRule.DAD_PROBE, ask(TestNodes.r1().set("net.ipv4.conf.eth1.arp_ignore = 2"), "eth1", "0.0.0.0",
                "10.1.0.1"));
    }

    @Test
    void arpFilterWantsTheRouteBackThroughTheInputDevice() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.eth1.arp_filter = 1");
        answered(ArpRule.LOCAL, ask(node, "eth1", "10.1.0.5", "10.2.0.1"));
        ArpDecision away = ask(node, "eth1", "192.0.2.50", "10.1.0.1");
        ignored(ArpRule.ARP_FILTER, away);
        assertTrue(away.detail().contains("the route from 10.1.0.1 to 192.0.2.50 leaves by eth0, not by eth1"),
                away.detail());
    }

    @Test
    void proxyArpAnswersForTargetsBeyondAnotherDevice() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.eth1.proxy_arp = 1");
        answered(ArpRule.PROXY_ARP, ask(node, "eth1", "10.1.0.5", "10.2.0.50"));
        ArpDecision same = ask(node, "eth1", "10.1.0.5", "10.1.0.50");
        ignored(ArpRule.NOT_LOCAL, same);
        assertTrue(same.detail().contains("the route to 10.1.0.50 leaves by eth1 itself"), same.detail());
        ignored(ArpRule.NOT_LOCAL, ask(TestNodes.r1(), "eth1", "10.1.0.5", "10.2.0.50"));
        ignored(ArpRule.ROUTE, ask(node, "eth1", "10.1.0.5", "10.67.0.5"));
    }

    @Test
    void proxyArpPvlanAnswersOnTheDevicesOwnSegmentButNotSelfProbes() {
        TestNodes node = TestNodes.r1().set("net.ipv4.conf.eth1.proxy_arp_pvlan = 1");
        answered(ArpRule.PROXY_ARP_PVLAN, ask(node, "eth1", "10.1.0.5", "10.1.0.50"));
        ignored(ArpRule.NOT_LOCAL, ask(node, "eth1", "10.1.0.50", "10.1.0.50"));
    }

    @Test
    void mediumIdSeparatesProxiedDevices() {
        TestNodes same = TestNodes.r1().set("net.ipv4.conf.eth1.proxy_arp = 1", "net.ipv4.conf.eth1.medium_id = 1",
                "net.ipv4.conf.eth2.medium_id = 1");
        ignored(ArpRule.NOT_LOCAL, ask(same, "eth1", "10.1.0.5", "10.2.0.50"));
        TestNodes other = TestNodes.r1().set("net.ipv4.conf.eth1.proxy_arp = 1", "net.ipv4.conf.eth1.medium_id = 1",
                "net.ipv4.conf.eth2.medium_id = 2");
        answered(ArpRule.PROXY_ARP, ask(other, "eth1", "10.1.0.5", "10.2.0.50"));
    }

    @Test
    void proxyNeedsForwardingAndAValidSource() {
        ArpDecision off = ask(TestNodes.r1().set("net.ipv4.conf.eth1.proxy_arp = 1",
                "net.ipv4.conf.eth1.forwarding = 0"), "eth1", "10.1.0.5", "10.2.0.50");
        ignored(ArpRule.ROUTE, off);
        assertTrue(off.detail().contains("failed at forwarding"), off.detail());
        ArpDecision rpf = ask(TestNodes.r1().set("net.ipv4.conf.eth1.rp_filter = 1"), "eth1", "192.0.2.50",
                "10.1.0.1");
        ignored(ArpRule.ROUTE, rpf);
        assertTrue(rpf.detail().contains("failed at rp_filter"), rpf.detail());
    }

    @Test
    void multicastAndLoopbackTargetsAreNeverAnswered() {
        ignored(ArpRule.BAD_TARGET, ask(TestNodes.r1(), "eth1", "10.1.0.5", "224.0.0.1"));
        ignored(ArpRule.BAD_TARGET, ask(TestNodes.r1(), "eth1", "10.1.0.5", "127.0.0.1"));
    }

    @Test
    void explicitProxyEntryAnswersWithoutProxyArp() {
        answered(ArpRule.PROXY_ENTRY, ask(TestNodes.r1(), "eth1", "10.1.0.5", "10.2.0.77"));
        ignored(ArpRule.NOT_LOCAL, ask(TestNodes.r1(), "eth1", "10.1.0.5", "10.2.0.78"));
    }

    @Test
    void proxyArpAsCalicoUsesIt() {
        TestNodes node = TestNodes.bundle("clusterip-tcp");
        ArpDecision gateway = ask(node, "cali62608e08adc", "10.244.1.2", "169.254.1.1");
        answered(ArpRule.PROXY_ARP, gateway);
        assertEquals("who-has 169.254.1.1 tell 10.244.1.2 on cali62608e08adc: proxy_arp=1"
                + " (net.ipv4.conf.all.proxy_arp=0 OR net.ipv4.conf.cali62608e08adc.proxy_arp=1) and the route to"
                + " 169.254.1.1 leaves by eth0: answered with cali62608e08adc's MAC", gateway.detail());
        ignored(ArpRule.NOT_LOCAL, ask(node, "eth0", "172.18.0.1", "169.254.1.1"));
        answered(ArpRule.LOCAL, ask(node, "cali62608e08adc", "10.244.1.2", "172.18.0.2"));
    }
}
