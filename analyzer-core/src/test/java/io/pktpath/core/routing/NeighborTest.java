package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NeighborStep;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Neighbour states of §6.5, on r1 and on recorded bundles (arp_process's answers: {@link ArpProcessTest}). */
class NeighborTest {
    private static final NodeNetwork R1 = TestNodes.r1().build();

    @Test
    void usableStatesAreDeliverable() {
        NeighborResult reachable = R1.neighbor(ip("192.0.2.2"), "eth0");
        assertEquals(new NeighborResult(ip("192.0.2.2"), "eth0", "REACHABLE", Optional.of("02:00:00:00:01:02"),
                Deliverability.DELIVERABLE, "REACHABLE: sent to 02:00:00:00:01:02"), reachable);
        assertEquals("STALE", R1.neighbor(ip("10.1.0.254"), "eth1").state());
        assertEquals(Deliverability.DELIVERABLE, R1.neighbor(ip("10.1.0.254"), "eth1").deliverability());
        assertEquals(Deliverability.DELIVERABLE, R1.neighbor(ip("10.1.0.253"), "eth1").deliverability());
        assertEquals(Deliverability.DELIVERABLE, R1.neighbor(ip("10.1.0.252"), "eth1").deliverability());
        assertEquals("PERMANENT", R1.neighbor(ip("10.2.0.254"), "eth2").state());
        assertEquals(Deliverability.DELIVERABLE, R1.neighbor(ip("fe80::2"), "eth0").deliverability());
    }

    @Test
    void incompleteIsUnknownFailedAndMissingAreNot() {
        assertEquals(new NeighborResult(ip("10.2.0.9"), "eth2", "INCOMPLETE", Optional.empty(), Deliverability.UNKNOWN,
                "INCOMPLETE: ARP resolution of 10.2.0.9 was in progress; delivery depends on an answer"),
                R1.neighbor(ip("10.2.0.9"), "eth2"));
        assertEquals(new NeighborResult(ip("10.2.0.10"), "eth2", "FAILED", Optional.empty(),
                Deliverability.NOT_DELIVERABLE, "FAILED: resolution of 10.2.0.10 failed; dropped with ICMP host "
                + "unreachable unless the capture shows an answer"), R1.neighbor(ip("10.2.0.10"), "eth2"));
        NeighborResult missing = R1.neighbor(ip("192.0.2.2"), "eth1");
        assertEquals(Deliverability.NOT_DELIVERABLE, missing.deliverability());
        assertEquals("none", missing.state());
        assertEquals("no entry for 192.0.2.2 on eth1 in ip neigh: the kernel resolves it (ARP, 3 requests 1 s apart); "
                + "deliverable only if the capture shows an answer", missing.detail());
        assertEquals("no entry for fe80::3 on eth0 in ip neigh: the kernel resolves it (NDP, 3 requests 1 s apart); "
                + "deliverable only if the capture shows an answer", R1.neighbor(ip("fe80::3"), "eth0").detail());
    }

    @Test
    void devicesAndAddressesWithoutResolution() {
        assertEquals(new NeighborResult(ip("10.8.0.5"), "tun0", "NOARP", Optional.empty(), Deliverability.DELIVERABLE,
                "tun0 has no link-layer resolution (flag NOARP, flag POINTOPOINT, link/none)"),
                R1.neighbor(ip("10.8.0.5"), "tun0"));
        assertEquals("lo is a loopback device: no neighbour resolution", R1.neighbor(ip("127.0.0.1"), "lo").detail());
        assertEquals("10.2.0.255 is a group address: mapped to a link-layer broadcast/multicast address",
                R1.neighbor(ip("10.2.0.255"), "eth2").detail());
        assertEquals(Deliverability.DELIVERABLE, R1.neighbor(ip("224.0.0.251"), "eth2").deliverability());
    }

    @Test
    void stepCarriesTheVerdict() {
        assertEquals(new NeighborStep(Hook.POSTROUTING, "10.2.0.9", "eth2", "INCOMPLETE", false,
                "INCOMPLETE: ARP resolution of 10.2.0.9 was in progress; delivery depends on an answer"),
                R1.neighbor(ip("10.2.0.9"), "eth2").toStep(Hook.POSTROUTING));
    }

    @Test
    void recordedIncompleteNeighbourAfterForwarding() {
        NodeNetwork node = TestNodes.bundle("neigh-failed").build();
        RouteResult r = node.inputRoute(received("10.244.1.2", "172.18.0.77", "cali62608e08adc", 17, 40000, 9));
        assertEquals(Optional.of("eth0"), r.outDev());
        assertEquals(Optional.of(ip("172.18.0.77")), r.nextHop());
        assertEquals(Deliverability.UNKNOWN, node.neighbor(r.nextHop().get(), r.outDev().get()).deliverability());
        assertEquals(Deliverability.DELIVERABLE, node.neighbor(ip("10.244.1.2"), "cali62608e08adc").deliverability());
    }
}
