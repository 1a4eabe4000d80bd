package io.pktpath.parser.iproute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Parsed;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one-line listings iproute2 prints ({@code ip -o addr}, {@code ip -o link}, {@code ip -o -d link}) read into the
 * same interfaces as the multi-line ones, and an sosreport's {@code ip -s -s neigh show} (whose statistics read
 * {@code used 0/0/0probes 4}) reads without a diagnostic; every fixture was printed by iproute2 6.1.0.
 */
class OneLineListingsTest {
    private static List<String> addresses(NetInterface i) {
        return i.addresses().stream().map(a -> a.cidr().address() + "/" + a.cidr().prefixLength()).toList();
    }

    @Test
    void ipOAddrGivesEachInterfaceItsAddressesAndNoLinkDetails() {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip_-o_addr", Fixtures.read("ip-o-addr.txt"));
        assertEquals(List.of(), p.diagnostics());
        List<NetInterface> l = p.value();
        assertEquals(List.of("lo", "pkp30a", "pkp30br"), l.stream().map(NetInterface::name).toList());
        assertEquals(List.of(1, 2, 3), l.stream().map(NetInterface::index).toList());
        assertEquals(List.of("127.0.0.1/8", "::1/128"), addresses(l.get(0)));
        assertEquals(List.of("fe80::e070:beff:fea1:aaf7/64"), addresses(l.get(1)));
        assertEquals(List.of("10.230.0.1/24", "fe80::e070:beff:fea1:aaf7/64"), addresses(l.get(2)));
        assertEquals("host", l.get(0).addresses().get(0).scope());
        assertEquals(Optional.of("pkp30br"), l.get(2).addresses().get(0).label());
        assertEquals(Set.of("tentative"), l.get(2).addresses().get(1).flags());
        assertTrue(l.get(2).flags().isEmpty(), "ip -o addr shows no link flags");
        assertEquals(0, l.get(2).mtu());
        assertEquals(Optional.empty(), l.get(2).mac());
    }

    @Test
    void ipOLinkReadsLikeIpLink() {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip_-o_link", Fixtures.read("ip-o-link.txt"));
        assertEquals(List.of(), p.diagnostics());
        List<NetInterface> l = p.value();
        assertEquals(List.of("lo", "pkp30a", "pkp30br"), l.stream().map(NetInterface::name).toList());
        NetInterface port = l.get(1);
        assertEquals(Optional.of("if2"), port.peer());
        assertEquals(Set.of("BROADCAST", "LOWER_UP", "MULTICAST", "UP"), port.flags());
        assertEquals(1500, port.mtu());
        assertEquals("UP", port.operState());
        assertEquals(Optional.of("pkp30br"), port.master());
        assertEquals("ether", port.linkType());
        assertEquals(Optional.of("e2:70:be:a1:aa:f7"), port.mac());
        assertEquals(65536, l.get(0).mtu());
        assertEquals("loopback", l.get(0).linkType());
    }

    @Test
    void ipODLinkGivesTheKindAndTheBridgePortsHairpinMode() {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip_-o_-d_link", Fixtures.read("ip-o-d-link.txt"));
        assertEquals(List.of(), p.diagnostics());
        List<NetInterface> l = p.value();
        assertEquals(Optional.of("veth"), l.get(1).kind());
        assertEquals(Optional.of(false), l.get(1).hairpin());
        assertEquals(Optional.of("bridge"), l.get(2).kind());
        assertEquals(Optional.of("e2:70:be:a1:aa:f7"), l.get(2).mac());
    }

    @Test
    void anSosreportsNeighbourStatisticsReadWithoutADiagnostic() {
        Parsed<List<Neighbor>> p = IpNeighParser.parse("ip_-s_-s_neigh_show", Fixtures.read("ip-s-s-neigh.txt"));
        assertEquals(List.of(), p.diagnostics());
        assertEquals(1, p.value().size());
        Neighbor n = p.value().get(0);
        assertEquals("10.230.0.2", n.address().toString());
        assertEquals("pkp30a", n.dev());
        assertEquals(Optional.of("02:e5:23:a4:9d:96"), n.lladdr());
        assertEquals(Set.of(NeighborState.REACHABLE), n.states());
    }

    @Test
    void aBrokenOneLineAddressIsOneDiagnosticAndTheRestIsRead() {
        String text = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
                + "2: eth0    inet 10.0.0.300/24 scope global eth0\\       valid_lft forever preferred_lft forever\n"
                + "2: eth0    inet6 fd00::1/64 scope global \\       valid_lft forever preferred_lft forever\n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip_-o_addr", text);
        assertEquals(1, p.diagnostics().size(), p.diagnostics().toString());
        assertEquals("ip_-o_addr", p.diagnostics().get(0).span().file());
        assertEquals(2, p.diagnostics().get(0).span().line());
        assertEquals(17, p.diagnostics().get(0).span().column());
        assertEquals("'10.0.0.300' is not an IPv4 address", p.diagnostics().get(0).message());
        assertTrue(p.diagnostics().get(0).expected().contains("four dotted decimal octets"),
                p.diagnostics().get(0).expected());
        assertEquals(List.of("lo", "eth0"), p.value().stream().map(NetInterface::name).toList());
        assertEquals(List.of("fd00::1/64"), addresses(p.value().get(1)));
    }

    @Test
    void aBrokenOneLineLinkIsOneDiagnosticAndKeepsTheOthersOnce() {
        String[] lines = Fixtures.read("ip-o-link.txt").split("\n");
        String text = lines[0] + "\n" + lines[1].replace("<BROADCAST,MULTICAST,UP,LOWER_UP>", "BROADCAST") + "\n"
                + lines[2] + "\n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip_-o_link", text);
        assertEquals(1, p.diagnostics().size(), p.diagnostics().toString());
        assertEquals(2, p.diagnostics().get(0).span().line());
        assertEquals("interface flags must be written <A,B,...>", p.diagnostics().get(0).message());
        assertEquals(List.of("lo", "pkp30br"), p.value().stream().map(NetInterface::name).toList());
    }
}
