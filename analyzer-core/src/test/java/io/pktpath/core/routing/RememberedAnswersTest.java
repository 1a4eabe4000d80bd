package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.trace.CheckStep;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Answers that depend only on the snapshot and the question are made once (those kept only when asked again, twice) and
 * given again unchanged.
 */
class RememberedAnswersTest {
    @Test
    void inputChecksOfTheSameDeviceAndAddressesAreTheSameSteps() {
        NodeNetwork node = TestNodes.bundle("route-errors").build();
        RouteResult once = node.inputRoute(received("10.244.1.2", "10.70.0.1", "cali62608e08adc"));
        RouteResult first = node.inputRoute(received("10.244.1.2", "10.70.0.1", "cali62608e08adc"));
        assertNotSame(once.checks().get(0), first.checks().get(0), "a forwarding step asked once is not kept");
        assertEquals(once.checks(), first.checks());
        RouteResult again = node.inputRoute(received("10.244.1.2", "10.70.0.1", "cali62608e08adc"));
        RouteResult otherSource = node.inputRoute(received("10.244.1.3", "10.70.0.1", "cali62608e08adc"));
        assertEquals(3, first.checks().size());
        for (int i = 0; i < 3; i++) {
            assertSame(first.checks().get(i), again.checks().get(i));
        }
        assertSame(first.checks().get(0), otherSource.checks().get(0), "forwarding depends on the destination only");
        assertNotEquals(first.checks().get(1), otherSource.checks().get(1));
        assertEquals("source 10.244.1.3 accepted", otherSource.checks().get(1).detail().replaceAll(".*: ", ""));
        assertSame(first.checks().get(2), otherSource.checks().get(2), "rp_filter=0 depends on the device only");
    }

    @Test
    void rememberedForwardingStepsKeepTheirDestinationAndVerdict() {
        NodeNetwork node = TestNodes.r1().build();
        node.inputRoute(received("10.2.0.50", "192.0.2.99", "eth1"));
        List<CheckStep> a = node.inputRoute(received("10.2.0.50", "192.0.2.99", "eth1")).checks();
        List<CheckStep> b = node.inputRoute(received("10.2.0.50", "192.0.2.98", "eth1")).checks();
        assertEquals(new CheckStep(null, "forwarding", true,
                "forwarding=1 (net.ipv4.conf.eth1.forwarding=1) on eth1: 192.0.2.98 may be forwarded"), b.get(0));
        assertNotEquals(a.get(0), b.get(0));
        assertSame(a.get(0), node.inputRoute(received("10.2.0.51", "192.0.2.99", "eth1")).checks().get(0));
    }

    private static final String DEFAULT_RULES = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n"
            + "32767:\tfrom all lookup default\n";

    @Test
    void aDestinationsLookupIsSharedByInputDevicesButEachKeepsItsOwnForwardingCheck() {
        NodeNetwork node = TestNodes.r1().rules(DEFAULT_RULES).build();
        RouteResult viaEth1 = node.inputRoute(received("10.1.0.5", "192.0.2.99", "eth1"));
        RouteResult viaEth2 = node.inputRoute(received("10.2.0.5", "192.0.2.99", "eth2"));
        assertSame(viaEth1.decision(), viaEth2.decision(), "no rule selects iif: one lookup serves both devices");
        assertEquals("forwarding=1 (net.ipv4.conf.eth1.forwarding=1) on eth1: 192.0.2.99 may be forwarded",
                viaEth1.checks().get(0).detail());
        assertEquals("forwarding=1 (net.ipv4.conf.eth2.forwarding=1) on eth2: 192.0.2.99 may be forwarded",
                viaEth2.checks().get(0).detail());
    }

    @Test
    void aRuleSelectingTheInputDeviceKeepsLookupsApartByDevice() {
        NodeNetwork node = TestNodes.r1().rules(DEFAULT_RULES + "90:\tfrom all iif eth2 lookup 100\n").build();
        RouteResult viaEth1 = node.inputRoute(received("10.1.0.5", "192.0.2.99", "eth1"));
        RouteResult viaEth2 = node.inputRoute(received("10.2.0.5", "192.0.2.99", "eth2"));
        assertEquals(Optional.of("eth0"), viaEth1.outDev());
        assertEquals(Optional.of("eth2"), viaEth2.outDev(), "ip rule 90 sends what eth2 receives to table 100");
        assertEquals(Optional.of(ip("10.2.0.254")), viaEth2.nextHop());
    }

    @Test
    void neighbourAnswersAreRememberedPerNextHopAndDevice() {
        NodeNetwork node = TestNodes.r1().build();
        NeighborResult first = node.neighbor(ip("192.0.2.2"), "eth0");
        assertSame(first, node.neighbor(ip("192.0.2.2"), "eth0"));
        NeighborResult otherDevice = node.neighbor(ip("192.0.2.2"), "eth1");
        assertEquals("none", otherDevice.state());
        assertEquals(first, TestNodes.r1().build().neighbor(ip("192.0.2.2"), "eth0"));
    }
}
