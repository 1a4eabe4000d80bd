package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An sosreport read as one of its network namespaces ({@code --netns NAME}), in both sos layouts: the outputs were made
 * by running sos's per-namespace commands in two namespaces (pkp-nsx-a: 10.77.1.2, INPUT accepts tcp/8080 and drops the
 * rest from eth0; pkp-nsx-b: 10.77.2.2, a DNAT of 10.96.0.10:53 and a rule from 10.77.2.2 to table 100) and a third
 * standing for the node (10.77.1.1 and 10.77.2.1, forwarding nsxa to nsxb); {@code sysctl -a} is cut to the keys read.
 */
class SosNetnsTest {
    private static Path layout(String name) throws URISyntaxException {
        return Path.of(SosNetnsTest.class.getResource("sos-netns/" + name).toURI());
    }

    private static List<String> addresses(Bundle b) {
        return b.interfaces().stream().map(NetInterface::addresses).flatMap(List::stream)
                .map(a -> a.cidr().address() + "/" + a.cidr().prefixLength()).filter(a -> a.startsWith("10.")).sorted().toList();
    }

    private static List<String> rules(Bundle b) {
        return b.rulesetV4().map(Ruleset::tables).orElse(List.of()).stream().flatMap(t -> t.chains().stream())
                .map(Chain::rules).flatMap(List::stream).map(Rule::text).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void theNodeReadByDefaultIgnoresBothNamespaces(String layout) throws Exception {
        Bundle node = BundleLoader.loadDirectory(layout(layout));
        assertEquals(List.of("10.77.1.1/24", "10.77.2.1/24"), addresses(node));
        assertEquals(List.of("-A FORWARD -i nsxa -o nsxb -j ACCEPT", "-A FORWARD -j DROP"), rules(node));
        assertEquals(Optional.of(1L), node.sysctls().number("net.ipv4.ip_forward"));
        assertEquals("read as the node; network namespaces held (read one with --netns NAME): pkp-nsx-a, pkp-nsx-b",
                node.inventory().lines().get(0));
        List<BundleInventory.Ignored> ns = node.inventory().ignored().stream()
                .filter(i -> i.file().contains("ip_netns_exec_")).toList();
        assertEquals(2 * 9, ns.size(), ns.toString());
        assertTrue(ns.stream().allMatch(i -> i.reason().matches("network namespace (pkp-nsx-[ab])'s output, not the"
                + " node's \\(read as that namespace with --netns \\1\\)")), ns.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void eachNamespaceGetsItsOwnAddressesAndRules(String layout) throws Exception {
        Bundle a = BundleLoader.loadDirectory(layout(layout), Optional.of("pkp-nsx-a"));
        assertEquals(List.of("10.77.1.2/24"), addresses(a));
        assertEquals(List.of("-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT", "-A INPUT -i eth0 -j DROP"), rules(a));
        assertEquals(Optional.of(0L), a.sysctls().number("net.ipv4.ip_forward"), "the namespace's sysctl, not the node's");
        assertTrue(a.kernel().isPresent(), "the kernel version holds for every namespace");
        assertEquals(1, a.policyRulesV4().stream().filter(r -> r.priority() == 32766).count());

        Bundle b = BundleLoader.loadDirectory(layout(layout), Optional.of("pkp-nsx-b"));
        assertEquals(List.of("10.77.2.2/24"), addresses(b));
        assertEquals(List.of("-A OUTPUT -p tcp -m tcp --dport 25 -j REJECT --reject-with icmp-port-unreachable",
                "-A OUTPUT -d 10.96.0.10/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.77.2.1:53"), rules(b));
        assertTrue(b.policyRulesV4().stream().anyMatch(r -> r.priority() == 100), b.policyRulesV4().toString());
        assertTrue(a.policyRulesV4().stream().noneMatch(r -> r.priority() == 100), a.policyRulesV4().toString());

        List<String> lines = b.inventory().lines();
        assertEquals("read as network namespace pkp-nsx-b (the node's own networking files ignored; namespaces held:"
                + " pkp-nsx-a, pkp-nsx-b)", lines.get(0));
        String dir = layout.equals("sos4") ? "sos_commands/networking/namespaces/pkp-nsx-a/" : "sos_commands/networking/";
        assertTrue(lines.contains("ignored " + dir + "ip_netns_exec_pkp-nsx-a_iptables-save: network namespace"
                + " pkp-nsx-a's output, not network namespace pkp-nsx-b's"), lines.toString());
        assertTrue(lines.contains("ignored sos_commands/networking/iptables-save: the node's networking output, not"
                + " network namespace pkp-nsx-b's"), lines.toString());
        assertTrue(lines.contains("ignored sos_commands/kernel/sysctl_-a: the node's sysctl output, not network"
                + " namespace pkp-nsx-b's"), lines.toString());
        assertTrue(lines.contains("found sos_commands/kernel/uname_-a: uname"), lines.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sos4", "sos3"})
    void aNameTheReportDoesNotHaveListsThoseItHas(String layout) throws Exception {
        assertEquals(List.of("pkp-nsx-a", "pkp-nsx-b"), BundleLoader.namespaces(layout(layout)));
        UnknownNamespaceException e = assertThrows(UnknownNamespaceException.class,
                () -> BundleLoader.loadDirectory(layout(layout), Optional.of("pkp-nsx-c")));
        assertEquals("no network namespace pkp-nsx-c in this bundle; it holds: pkp-nsx-a, pkp-nsx-b", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aBundleWithoutNamespacesSaysSo() throws IOException {
        Path plain = Path.of("src/test/resources/io/pktpath/parser/bundle/sos-networking");
        UnknownNamespaceException e = assertThrows(UnknownNamespaceException.class,
                () -> BundleLoader.loadDirectory(plain, Optional.of("x")));
        assertTrue(e.getMessage().endsWith("it holds none (no sos_commands/networking/namespaces/NAME/ nor"
                + " ip_netns_exec_NAME_ files)"), e.getMessage());
        assertTrue(BundleLoader.loadDirectory(plain).inventory().lines().stream().noneMatch(l -> l.startsWith("read as")));
    }

    @org.junit.jupiter.api.Test
    void aFilesNamespaceIsToldByItsPathInBothLayouts() {
        assertEquals(Optional.of("cni-1f2e"), SosNamespaces.of(
                "sosreport-n1/sos_commands/networking/namespaces/cni-1f2e/ip_netns_exec_cni-1f2e_ip_-d_address_show"));
        assertEquals(Optional.of("qrouter-7"), SosNamespaces.of("sos_commands/networking/ip_netns_exec_qrouter-7_ip6tables-save"));
        assertEquals(Optional.of("my_ns"), SosNamespaces.of("sos_commands/networking/ip_netns_exec_my_ns_ss_-peaonmi"));
        // conntrack's plugin runs its commands in each namespace too, filed beside the node's
        assertEquals(Optional.of("pod1"), SosNamespaces.of("sos_commands/conntrack/ip_netns_exec_pod1_conntrack_-L_-o_extended"));
        assertEquals(Optional.empty(), SosNamespaces.of("sos_commands/networking/ip_-d_address"));
        assertEquals(Optional.empty(), SosNamespaces.of("ip_netns_exec_pod1_iptables-save"), "a namespace's file given alone");
        assertEquals(List.of("a", "b"), SosNamespaces.names(List.of("sos_commands/networking/ip_netns_exec_b_sysctl_-a",
                "sos_commands/networking/namespaces/a/x", "sos_commands/networking/ip_netns_exec_a_iptables-save")));
    }
}
