package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.sysctl.Setting;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** addrtype, ipset and rpfilter facts (§4.2) plus interface and bridge lookups, on r1 and a recorded bundle. */
class NodeFactsTest {
    private static final String IPSETS = """
            create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536
            add KUBE-CLUSTER-IP 10.96.0.10,tcp:80
            add KUBE-CLUSTER-IP 10.96.0.10,udp:53
            create allow-nets hash:net family inet hashsize 1024 maxelem 65536
            add allow-nets 10.0.0.0/8
            add allow-nets 10.9.0.0/16 nomatch
            create all-lists list:set size 8
            add all-lists allow-nets
            """;
    private static final NodeNetwork R1 = TestNodes.r1().ipset(IPSETS).build();

    @Test
    void ipv4AddressTypesComeFromTheLocalTable() {
        assertEquals(Set.of(AddrType.LOCAL), R1.addrTypes(ip("192.0.2.7"), Optional.empty()));
        assertEquals(Set.of(AddrType.LOCAL), R1.addrTypes(ip("127.0.0.5"), Optional.empty()));
        assertEquals(Set.of(AddrType.BROADCAST), R1.addrTypes(ip("10.1.0.255"), Optional.empty()));
        assertEquals(Set.of(AddrType.BROADCAST), R1.addrTypes(ip("255.255.255.255"), Optional.empty()));
        assertEquals(Set.of(AddrType.BROADCAST), R1.addrTypes(ip("0.0.0.0"), Optional.empty()));
        assertEquals(Set.of(AddrType.MULTICAST), R1.addrTypes(ip("224.0.0.1"), Optional.empty()));
        assertEquals(Set.of(AddrType.UNICAST), R1.addrTypes(ip("8.8.8.8"), Optional.empty()));
        assertEquals(Set.of(AddrType.UNICAST), R1.addrTypes(ip("10.66.0.1"), Optional.empty()),
                "a main-table blackhole is not in the local table");
    }

    @Test
    void limitIfaceCountsOnlyEntriesOnThatDevice() {
        assertEquals(Set.of(AddrType.LOCAL), R1.addrTypes(ip("192.0.2.1"), Optional.of("eth0")));
        assertEquals(Set.of(AddrType.UNICAST), R1.addrTypes(ip("192.0.2.1"), Optional.of("eth1")));
        assertEquals(Set.of(AddrType.UNICAST), R1.addrTypes(ip("127.0.0.1"), Optional.of("eth1")));
    }

    @Test
    void rejectingTypesInTheLocalTable() {
        NodeNetwork node = TestNodes.r1().routes(TestNodes.resource("r1-ip-route.txt")
                + "blackhole 10.201.0.0/16 dev lo table local \nprohibit 10.202.0.0/16 dev lo table local \n").build();
        assertEquals(Set.of(AddrType.BLACKHOLE), node.addrTypes(ip("10.201.3.4"), Optional.empty()));
        assertEquals(Set.of(AddrType.PROHIBIT), node.addrTypes(ip("10.202.3.4"), Optional.empty()));
    }

    @Test
    void ipv6AddressTypesCombineAddressClassAndRoute() {
        assertEquals(Set.of(AddrType.UNICAST, AddrType.LOCAL), R1.addrTypes(ip("2001:db8:1::1"), Optional.empty()));
        assertEquals(Set.of(AddrType.UNICAST), R1.addrTypes(ip("2001:db8:1::9"), Optional.empty()));
        assertEquals(Set.of(AddrType.UNICAST, AddrType.UNREACHABLE), R1.addrTypes(ip("2001:db8:99::1"), Optional.empty()));
        assertEquals(Set.of(AddrType.MULTICAST), R1.addrTypes(ip("ff02::1"), Optional.empty()));
    }

    @Test
    void ipsetMembershipByDirection() {
        Packet web = received("10.1.0.5", "10.96.0.10", "eth1", Packet.TCP, 40000, 80);
        assertEquals(Optional.of(true), R1.ipsetContains("KUBE-CLUSTER-IP", List.of("dst", "dst"), false, web));
        assertEquals(Optional.of(false), R1.ipsetContains("KUBE-CLUSTER-IP", List.of("dst", "src"), false, web));
        assertEquals(Optional.of(false), R1.ipsetContains("KUBE-CLUSTER-IP", List.of("dst"), false, web));
        Packet dns = received("10.1.0.5", "10.96.0.10", "eth1", Packet.UDP, 40000, 53);
        assertEquals(Optional.of(true), R1.ipsetContains("KUBE-CLUSTER-IP", List.of("dst", "dst"), false, dns));
        assertEquals(Optional.of(true), R1.ipsetContains("allow-nets", List.of("src"), false, web));
        assertEquals(Optional.of(false), R1.ipsetContains("allow-nets", List.of("src"), false,
                received("10.9.1.1", "10.96.0.10", "eth1")), "nomatch entry inside the member network");
        assertEquals(Optional.of(false), R1.ipsetContains("allow-nets", List.of("src"), false,
                received("192.168.1.1", "10.96.0.10", "eth1")));
        assertEquals(Optional.of(true), R1.ipsetContains("all-lists", List.of("src"), false, web));
        assertEquals(Optional.of(false), R1.ipsetContains("allow-nets", List.of("src"), false,
                received("2001:db8:1::5", "2001:db8:1::1", "eth0")));
        assertEquals(Optional.empty(), R1.ipsetContains("not-in-bundle", List.of("src"), false, web));
    }

    @Test
    void rpfilterLooksALinkLocalSourceUpOnTheInputDeviceOnly() {
        NodeNetwork node = TestNodes.r1().routes6("fe80::/64 dev eth1 proto kernel metric 256 pref medium\n"
                + TestNodes.resource("r1-ip-6-route.txt")).build();
        assertTrue(node.rpfilterPasses(received("fe80::5", "2001:db8:1::1", "eth0"), false, false, false),
                "fe80::/64 dev eth0 is there, though eth1's is printed first");
        assertTrue(node.rpfilterPasses(received("fe80::5", "2001:db8:1::1", "eth1"), false, false, false));
        assertFalse(node.rpfilterPasses(received("fe80::5", "2001:db8:1::1", "eth2"), false, false, false),
                "no link-local route on eth2");
        assertTrue(node.rpfilterPasses(received("2001:db8:1::9", "2001:db8:1::1", "eth0"), false, false, false));
        assertFalse(node.rpfilterPasses(received("2001:db8:1::9", "2001:db8:1::1", "eth1"), false, false, false),
                "a global source arriving where its route does not leave");
    }

    @Test
    void rpfilterMatch() {
        Packet spoofed = received("10.2.0.50", "192.0.2.99", "eth1");
        assertFalse(R1.rpfilterPasses(spoofed, false, false, false));
        assertTrue(R1.rpfilterPasses(spoofed, true, false, false));
        assertTrue(R1.rpfilterPasses(received("10.1.0.5", "192.0.2.99", "eth1"), false, false, false));
        Packet marked = received("8.8.8.8", "10.1.0.5", "eth2").withMark(0x10);
        assertFalse(R1.rpfilterPasses(marked, false, false, false));
        assertTrue(R1.rpfilterPasses(marked, false, true, false));
        Packet ownSource = received("192.0.2.1", "10.2.0.9", "eth0");
        assertFalse(R1.rpfilterPasses(ownSource, false, false, false));
        assertTrue(R1.rpfilterPasses(ownSource, false, false, true));
        assertFalse(R1.rpfilterPasses(received("10.67.0.5", "10.1.0.5", "eth2"), true, false, false));
        assertTrue(R1.rpfilterPasses(received("0.0.0.0", "255.255.255.255", "eth1", Packet.UDP, 68, 67),
                false, false, false));
    }

    @Test
    void interfacesBridgesAndLocalAddresses() {
        assertEquals("eth1", R1.interfaceByIndex(3).map(NetInterface::name).orElseThrow());
        assertEquals(Optional.empty(), R1.interfaceByIndex(42));
        assertEquals(List.of("eth2"), R1.interfacesByMac("02:00:00:00:00:03").stream().map(NetInterface::name).toList());
        assertTrue(R1.isBridgePort("veth1"));
        assertEquals(Optional.of("br0"), R1.bridgeOf("veth1"));
        assertFalse(R1.isBridgePort("eth0"));
        assertEquals(new Setting<>(1L, false, "net.bridge.bridge-nf-call-iptables"), R1.bridgeNfCallIptables());
        assertEquals(new Setting<>(1L, true, "net.bridge.bridge-nf-call-ip6tables"),
                R1.bridgeNfCall(io.pktpath.parser.net.IpFamily.V6));
        assertEquals(List.of(ip("10.1.0.1"), ip("10.2.0.1"), ip("10.3.0.1"), ip("10.4.0.1"), ip("10.8.0.1"),
                ip("127.0.0.1"), ip("192.0.2.1"), ip("192.0.2.7"), ip("198.51.100.1"), ip("::1"), ip("2001:db8:1::1"),
                ip("fe80::1")), R1.localAddresses());
        assertTrue(R1.isLocal(ip("127.1.2.3")));
        assertFalse(R1.isLocal(ip("10.1.0.255")));
    }

    @Test
    void sharedCalicoMacListsEveryVeth() {
        NodeNetwork node = TestNodes.bundle("clusterip-tcp").build();
        assertEquals(List.of("cali62608e08adc", "calie694aa37abf", "calibbddbd575d4", "calid55930f0396"),
                node.interfacesByMac("EE:EE:EE:EE:EE:EE").stream().map(NetInterface::name).toList());
        assertEquals(Set.of(AddrType.LOCAL), node.addrTypes(ip("172.18.0.2"), Optional.empty()));
        assertEquals(Set.of(AddrType.UNICAST), node.addrTypes(ip("10.96.0.10"), Optional.empty()));
    }
}
