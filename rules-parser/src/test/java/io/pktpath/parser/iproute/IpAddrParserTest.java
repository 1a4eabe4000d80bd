package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddrParserTest {
    @Test
    void peerPodAddrHasTwoInterfacesAndFourAddresses() throws Exception {
        String file = "aws-vpc-cni-pod.ip-addr";
        Parsed<List<NetInterface>> p = IpAddrParser.parse(file, PeerFiles.readStripped(file));
        assertEquals(List.of(), p.diagnostics());
        assertEquals(2, p.value().size());
        assertEquals(4, p.value().stream().mapToInt(i -> i.addresses().size()).sum());
        NetInterface eth0 = p.value().get(1);
        assertEquals(3, eth0.index());
        assertEquals("eth0", eth0.name());
        assertEquals(Optional.of("if231"), eth0.peer());
        assertEquals(Set.of("BROADCAST", "MULTICAST", "UP", "LOWER_UP", "M-DOWN"), eth0.flags());
        assertEquals(Optional.of("56:41:95:26:17:41"), eth0.mac());
        InterfaceAddress a = eth0.addresses().get(0);
        assertEquals(Cidr.parse("10.0.97.30/32"), a.cidr());
        assertEquals(Optional.of(IpAddress.parse("10.0.97.226")), a.broadcast());
        assertEquals(Optional.of("eth0"), a.label());
        assertEquals("link", eth0.addresses().get(1).scope());
    }

    @Test
    void detailedAddrReadsKindMasterSecondaryAndPeer() throws Exception {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip-d-addr.txt", Fixtures.read("ip-d-addr.txt"));
        assertEquals(List.of(), p.diagnostics());
        List<NetInterface> ifs = p.value();
        assertEquals(List.of("lo", "br0", "veth-a", "tun0"), ifs.stream().map(NetInterface::name).toList());
        assertEquals(List.of(Optional.empty(), Optional.of("bridge"), Optional.of("veth"), Optional.of("tun")),
                ifs.stream().map(NetInterface::kind).toList());
        assertEquals(Optional.of("br0"), ifs.get(2).master());
        assertEquals(Optional.of("if4"), ifs.get(2).peer());
        assertTrue(ifs.get(1).addresses().get(1).secondary());
        assertFalse(ifs.get(1).addresses().get(0).secondary());
        assertEquals(Set.of("noprefixroute"), ifs.get(0).addresses().get(1).flags());
        InterfaceAddress ptp = ifs.get(3).addresses().get(0);
        assertEquals(Cidr.parse("10.8.0.1/32"), ptp.cidr());
        assertEquals(Optional.of(Cidr.parse("10.8.0.2/32")), ptp.peer());
        assertEquals("none", ifs.get(3).linkType());
        assertEquals(Optional.empty(), ifs.get(3).mac());
        assertEquals(1400, ifs.get(3).mtu());
    }

    @Test
    void textAndJsonOfTheSameStateGiveEqualModels() {
        Parsed<List<NetInterface>> text = IpAddrParser.parse("ip-d-addr.txt", Fixtures.read("ip-d-addr.txt"));
        Parsed<List<NetInterface>> json = IpAddrJsonParser.parse("ip-j-d-addr.json", Fixtures.read("ip-j-d-addr.json"));
        assertEquals(List.of(), json.diagnostics());
        assertEquals(text.value(), json.value());
        assertEquals(Optional.of(false), IpAddrParser.byName(text.value(), "veth-a").orElseThrow().hairpin());
    }

    @Test
    void linkListingHasNoAddresses() {
        String link = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n"
                + "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
                + "    RX:  bytes packets errors dropped  missed   mcast\n"
                + "          1200      12      0       0       0       0\n"
                + "4: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n"
                + "    link/ether 0a:58:0a:f4:01:03 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip-link.txt", link);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(2, p.value().size());
        assertEquals(Optional.of("if5"), p.value().get(1).peer());
        assertEquals("UP", p.value().get(1).operState());
        assertTrue(p.value().get(1).isUp() && p.value().get(1).hasCarrier());
    }

    @Test
    void badAddressLineIsReportedAndTheInterfaceKept() {
        String text = "2: eth0: <UP> mtu 1500 state UP\n    inet 10.0.0.300/24 scope global eth0\n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("a.txt", text);
        assertEquals(1, p.value().size());
        assertEquals(0, p.value().get(0).addresses().size());
        assertEquals(List.of("a.txt:2:10: error[bad-prefix]: '10.0.0.300' is not an IPv4 address "
                + "(expected: four dotted decimal octets 0-255, such as 10.0.0.1)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void brokenJsonIsOneDiagnosticWithPosition() {
        Parsed<List<NetInterface>> p = IpAddrJsonParser.parse("j.json", "[{\"ifindex\":1,\n \"ifname\" \"lo\"}]");
        assertEquals(List.of(), p.value());
        assertEquals(List.of("j.json:2:11: error[bad-json]: expected ':' (expected: ':')"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void routeTextAndJsonOfTheSameTablesGiveEqualModels() {
        Parsed<List<Route>> text = IpRouteParser.parse("ip-route-all.txt", Fixtures.read("ip-route-all.txt"));
        Parsed<List<Route>> json = IpRouteJsonParser.parse("ip-j-route-all.json", Fixtures.read("ip-j-route-all.json"));
        assertEquals(List.of(), text.diagnostics());
        assertEquals(List.of(), json.diagnostics());
        assertEquals(8, text.value().size());
        assertEquals(text.value().stream().map(Route::withoutSource).toList(),
                json.value().stream().map(Route::withoutSource).toList());
    }
}
