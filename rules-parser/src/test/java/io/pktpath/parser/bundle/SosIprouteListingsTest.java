package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iproute.NetInterface;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ip} listings an sosreport's networking plugin takes, under its own file names, as iproute2 6.1.0 printed
 * them: {@code ip -o addr} beside {@code ip -d address} is noted as not used, alone it gives the addresses (with the
 * link details of an {@code ip link} beside it), and the two neighbour listings together give the whole table.
 */
class SosIprouteListingsTest {
    @TempDir
    Path root;

    private static String fixture(String name) throws IOException {
        try (InputStream in = SosIprouteListingsTest.class.getResourceAsStream("/io/pktpath/parser/iproute/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void write(String name, String fixture) throws IOException {
        TreeWriter.write(root, "sos_commands/networking/" + name, fixture(fixture));
    }

    @Test
    void theTwoNeighbourListingsMakeOneTable() throws IOException {
        write("ip_-s_-s_neigh_show", "ip-s-s-neigh.txt");
        write("ip_neigh_show_nud_noarp", "ip-neigh-nud-noarp.txt");
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), b.diagnostics());
        assertEquals(List.of("10.230.0.2 pkp30a", "ff02::16 pkp30a"),
                b.neighbors().stream().map(n -> n.address() + " " + n.dev()).toList());
        assertTrue(b.inventory().lines().contains("found sos_commands/networking/ip_neigh_show_nud_noarp: ip neigh (used"
                + " for 1 entry sos_commands/networking/ip_-s_-s_neigh_show lacks)"), b.inventory().lines().toString());
    }

    @Test
    void ipOAddrIsNotUsedBesideTheFullListing() throws IOException {
        write("ip_-o_addr", "ip-o-addr.txt");
        write("ip_-d_address", "ip-d-addr.txt");
        Bundle b = BundleLoader.loadDirectory(root);
        assertTrue(b.inventory().lines().contains("found sos_commands/networking/ip_-o_addr: ip -o addr (not used: ip"
                + " addr preferred)"), b.inventory().lines().toString());
        assertTrue(b.interfaces().stream().allMatch(i -> !i.flags().isEmpty()), "the full listing's interfaces");
    }

    @Test
    void ipOAddrAloneGivesTheAddressesAndIpLinkTheLinkDetails() throws Exception {
        write("ip_-o_addr", "ip-o-addr.txt");
        Bundle alone = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), alone.diagnostics());
        assertEquals(List.of("lo", "pkp30a", "pkp30br"), alone.interfaces().stream().map(NetInterface::name).toList());
        assertTrue(alone.interfaces().get(2).flags().isEmpty());
        assertEquals(io.pktpath.parser.net.Cidr.parse("10.230.0.1/24"), alone.interfaces().get(2).addresses().get(0).cidr());

        write("ip_-o_link", "ip-o-link.txt");
        Bundle withLink = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), withLink.diagnostics());
        NetInterface bridge = withLink.interfaces().get(2);
        assertEquals("pkp30br", bridge.name());
        assertTrue(bridge.isUp());
        assertEquals(1500, bridge.mtu());
        assertEquals("e2:70:be:a1:aa:f7", bridge.mac().orElseThrow());
        assertEquals(io.pktpath.parser.net.Cidr.parse("10.230.0.1/24"), bridge.addresses().get(0).cidr());
        assertEquals("pkp30br", withLink.interfaces().get(1).master().orElseThrow());
        assertTrue(withLink.inventory().lines().contains("found sos_commands/networking/ip_-o_link: ip link (used for the"
                + " link details (flags, MTU, state, MAC) of ip -o addr)"), withLink.inventory().lines().toString());
    }
}
