package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Parsed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bridge port's hairpin mode as iproute2 6.1's {@code ip -d link} and {@code ip -j -d link} print it. */
class BridgePortHairpinTest {
    private static final String SLAVE_TAIL = " guard off root_block off fastleave off learning on flood on port_id 0x8001"
            + " port_no 0x1 designated_port 32769 designated_cost 0 designated_bridge 8000.12:26:d0:bb:69:df"
            + " designated_root 8000.12:26:d0:bb:69:df hold_timer    0.00 message_age_timer    0.00 forward_delay_timer"
            + "    0.00 topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1"
            + " mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0"
            + " group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off addrgenmode eui64 numtxqueues 2"
            + " numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535"
            + " gro_max_size 65536 \n";

    private static String port(int index, String name, String hairpin) {
        return index + ": " + name + "@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP"
                + " mode DEFAULT group default qlen 1000\n"
                + "    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff link-netns pkp-a promiscuity 1  allmulti 1"
                + " minmtu 68 maxmtu 65535 \n"
                + "    veth \n"
                + "    bridge_slave state forwarding priority 32 cost 2 hairpin " + hairpin + SLAVE_TAIL;
    }

    private static final String BRIDGE = "3: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode"
            + " DEFAULT group default qlen 1000\n"
            + "    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n"
            + "    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768"
            + " vlan_filtering 0 vlan_protocol 802.1Q \n";

    @Test
    void detailedTextGivesEachPortItsHairpinModeAndOtherDevicesNone() {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip-d-link.txt", BRIDGE + port(4, "veth-a", "on")
                + port(5, "veth-b", "off"));
        assertEquals(List.of(), p.diagnostics());
        assertEquals(Optional.empty(), p.value().get(0).hairpin(), "the bridge itself is no port");
        assertEquals(Optional.of("bridge"), p.value().get(0).kind());
        assertEquals(Optional.of(true), p.value().get(1).hairpin());
        assertEquals(Optional.of("veth"), p.value().get(1).kind());
        assertEquals(Optional.of("br0"), p.value().get(1).master());
        assertEquals(Optional.of(false), p.value().get(2).hairpin());
    }

    @Test
    void plainListingSaysNothingOfHairpin() {
        String plain = "4: veth-a@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP mode"
                + " DEFAULT group default qlen 1000\n    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff link-netns"
                + " pkp-a\n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip-link.txt", plain);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(Optional.empty(), p.value().get(0).hairpin());
    }

    @Test
    void aHairpinValueOtherThanOnOrOffIsAnErrorNamingFileAndLine() {
        Parsed<List<NetInterface>> p = IpAddrParser.parse("ip-d-link.txt", port(4, "veth-a", "maybe"));
        assertEquals(1, p.diagnostics().size(), p.diagnostics().toString());
        assertEquals("ip-d-link.txt", p.diagnostics().get(0).span().file());
        assertEquals(4, p.diagnostics().get(0).span().line());
        assertTrue(p.diagnostics().get(0).message().contains("maybe"), p.diagnostics().get(0).message());
        assertEquals(Optional.empty(), p.value().get(0).hairpin());
    }

    @Test
    void bridgeDetailedLinkGivesEachPortItsHairpinMode() {
        String bridgeLink = "4: va@vb: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n"
                + "    hairpin on guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on"
                + " mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n"
                + "6: vc@vd: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n"
                + "    hairpin off guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on"
                + " mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off \n";
        Parsed<List<NetInterface>> p = IpAddrParser.parse("bridge-link.txt", bridgeLink);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(List.of("va", "vc"), p.value().stream().map(NetInterface::name).toList());
        assertEquals(List.of(Optional.of(true), Optional.of(false)), p.value().stream().map(NetInterface::hairpin).toList());
        assertEquals(Optional.of("br0"), p.value().get(0).master());
    }

    private static String jsonPort(String name, String linkinfo) {
        return "{\"ifindex\":4,\"link_index\":2,\"ifname\":\"" + name + "\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\","
                + "\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\",\"master\":\"br0\",\"operstate\":\"UP\","
                + "\"linkmode\":\"DEFAULT\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\","
                + "\"address\":\"12:26:d0:bb:69:df\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\"" + linkinfo + "}";
    }

    private static String slave(String kind, String hairpin) {
        return ",\"linkinfo\":{\"info_kind\":\"veth\",\"info_slave_kind\":\"" + kind + "\",\"info_slave_data\":{"
                + "\"state\":\"forwarding\",\"priority\":32,\"cost\":2,\"hairpin\":" + hairpin + ",\"guard\":false,"
                + "\"root_block\":false,\"fastleave\":false,\"learning\":true,\"flood\":true,\"id\":\"0x8001\","
                + "\"no\":\"0x1\"}}";
    }

    @Test
    void detailedJsonGivesEachBridgePortItsHairpinMode() {
        String json = "[" + jsonPort("veth-a", slave("bridge", "true")) + "," + jsonPort("veth-b", slave("bridge", "false"))
                + "," + jsonPort("veth-c", ",\"linkinfo\":{\"info_kind\":\"veth\"}") + "," + jsonPort("veth-d", "")
                + "," + jsonPort("veth-e", slave("bond", "true")) + "]";
        Parsed<List<NetInterface>> p = IpAddrJsonParser.parse("ip-j-d-link.json", json);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(List.of(Optional.of(true), Optional.of(false), Optional.empty(), Optional.empty(), Optional.empty()),
                p.value().stream().map(NetInterface::hairpin).toList());
        assertEquals(Optional.of("veth"), p.value().get(0).kind());
    }

    @Test
    void bridgeJsonDetailedLinkGivesThePortItsHairpinMode() {
        String json = "[{\"ifindex\":4,\"link\":\"vb\",\"ifname\":\"va\",\"flags\":[\"BROADCAST\",\"MULTICAST\","
                + "\"M-DOWN\"],\"mtu\":1500,\"master\":\"br0\",\"state\":\"disabled\",\"priority\":32,\"cost\":2,"
                + "\"hairpin\":true,\"guard\":false,\"root_block\":false,\"fastleave\":false,\"learning\":true,"
                + "\"flood\":true,\"mcast_flood\":true,\"bcast_flood\":true,\"mcast_router\":1,\"mcast_to_unicast\":false,"
                + "\"neigh_suppress\":false,\"vlan_tunnel\":false,\"isolated\":false,\"locked\":false}]";
        Parsed<List<NetInterface>> p = IpAddrJsonParser.parse("bridge-j-link.json", json);
        assertEquals(List.of(), p.diagnostics());
        assertEquals(Optional.of(true), p.value().get(0).hairpin());
    }

    @Test
    void aJsonHairpinThatIsNotABooleanIsAnErrorNamingFileAndLine() {
        String json = "[\n" + jsonPort("veth-a", slave("bridge", "\"on\"")) + "\n]";
        Parsed<List<NetInterface>> p = IpAddrJsonParser.parse("ip-j-d-link.json", json);
        assertEquals(1, p.diagnostics().size(), p.diagnostics().toString());
        assertEquals("ip-j-d-link.json", p.diagnostics().get(0).span().file());
        assertEquals(2, p.diagnostics().get(0).span().line());
        assertTrue(p.diagnostics().get(0).message().contains("hairpin"), p.diagnostics().get(0).message());
    }
}
