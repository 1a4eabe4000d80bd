package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.Severity;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an sosreport's networking plugin collects, under its file names, as the real tools printed it in a namespace
 * with a bridge, a veth port and a neighbour (iproute2 6.1.0, ss, bridge, ethtool, netstat, nstat, tc; stderr kept as
 * sos keeps it): each file is recognized as what it is or ignored with its reason, nothing is an error, and the
 * neighbour listings are joined.
 */
class SosNetworkingPluginTest {
    private static Bundle load() throws Exception {
        return BundleLoader.loadDirectory(Path.of(SosNetworkingPluginTest.class.getResource("sos-networking").toURI()));
    }

    @Test
    void everyFileIsWhatItIsOrIgnoredWithItsReason() throws Exception {
        Bundle b = load();
        String n = "sos_commands/networking/";
        List<String> lines = b.inventory().lines();
        for (String expected : List.of(
                "found " + n + "ip_-d_address: ip addr",
                "found " + n + "ip_-o_addr: ip -o addr (not used: ip addr preferred)",
                "found " + n + "ip_-s_-d_link: ip link (not used: ip addr preferred)",
                "found " + n + "ip_route_show_table_all: ip route (IPv4)",
                "found " + n + "ip_-6_route_show_table_all: ip route (IPv6)",
                "found " + n + "ip_-4_rule_list: ip rule (IPv4)",
                "found " + n + "ip_-6_rule_list: ip rule (IPv6)",
                "found " + n + "ip_maddr_show: ip maddr",
                "found " + n + "ss_-peaonmi: ss (listening sockets)",
                "ignored " + n + "bridge_-s_-s_-d_-t_fdb_show: bridge fdb listing: not used (a bridged frame's port"
                        + " comes from the capture)",
                "ignored " + n + "ip_mroute_show: empty file")) {
            assertTrue(lines.contains(expected), expected + " in " + lines);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("found " + n + "ip_-s_-s_neigh_show: ip neigh")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("found " + n + "ip_neigh_show_nud_noarp: ip neigh")), lines.toString());
        for (String ignored : List.of("netstat_-W_-neopa", "netstat_-s", "nstat_-zas", "tc_-s_qdisc_show", "ethtool_-S_pkp30p",
                "ip_netns", "bridge_-d_vlan_show")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("ignored " + n + ignored + ":")), ignored + " in " + lines);
        }
        assertEquals(List.of(), b.diagnostics().stream().filter(d -> d.severity() != Severity.NOTE).toList());
    }

    @Test
    void theBundleHoldsTheNodesState() throws Exception {
        Bundle b = load();
        assertEquals(List.of("lo", "pkp30p", "pkp30br"), b.interfaces().stream().map(i -> i.name()).toList());
        assertTrue(b.interfaces().stream().allMatch(i -> i.isUp()));
        assertTrue(b.neighbors().stream().anyMatch(x -> x.address().toString().equals("10.233.0.2")),
                "ip -s -s neigh's entry");
        assertTrue(b.neighbors().stream().anyMatch(x -> x.states().contains(io.pktpath.parser.iproute.NeighborState.NOARP)),
                "nud noarp's entries");
        assertTrue(b.sockets().isPresent());
        assertTrue(b.diagnostics().stream().anyMatch(d -> d.code().equals("ss-complaint")));
    }
}
