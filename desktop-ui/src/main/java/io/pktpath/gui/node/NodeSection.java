package io.pktpath.gui.node;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One section of the node view (interfaces and addresses, routes, ip rules, neighbors, the sysctls that matter to
 * packet paths), each line as the node's own tools print it.
 */
public record NodeSection(String title, List<String> lines) {
    /** The sysctls that change a packet's path: forwarding, rp_filter, local routing, proxy ARP, bridge netfilter, conntrack. */
    static final Pattern MATTERS = Pattern.compile("forwarding|ip_forward|rp_filter|route_localnet|accept_local"
            + "|proxy_arp|bridge-nf-call|nf_conntrack_(max|tcp_loose|tcp_be_liberal|udp_timeout)"
            + "|ip_local_port_range|src_valid_mark|ip_nonlocal_bind|send_redirects|accept_redirects");

    public NodeSection {
        Objects.requireNonNull(title, "title");
        lines = List.copyOf(lines);
    }

    /** The sections of a bundle, in a fixed order; a section the bundle has no data for says so. */
    public static List<NodeSection> of(Bundle b) {
        List<NodeSection> sections = new ArrayList<>();
        sections.add(section("Interfaces and addresses", b.interfaces().stream().map(NodeSection::iface).toList()));
        sections.add(section("Routes (IPv4)", b.routesV4().stream().map(r -> r.text()).toList()));
        sections.add(section("Routes (IPv6)", b.routesV6().stream().map(r -> r.text()).toList()));
        List<String> rules = new ArrayList<>();
        b.policyRulesV4().forEach(r -> rules.add(r.text()));
        b.policyRulesV6().forEach(r -> rules.add("(v6) " + r.text()));
        sections.add(section("IP rules", rules));
        sections.add(section("Neighbors", b.neighbors().stream().map(n -> n.text()).toList()));
        sections.add(section("Sysctls that matter", sysctls(b.sysctls().values())));
        return sections;
    }

    static List<String> sysctls(Map<String, String> values) {
        return values.entrySet().stream().filter(e -> MATTERS.matcher(e.getKey()).find())
                .map(e -> e.getKey() + " = " + e.getValue()).sorted().toList();
    }

    private static NodeSection section(String title, List<String> lines) {
        return new NodeSection(title + " (" + lines.size() + ")", lines.isEmpty() ? List.of("none in the bundle")
                : lines);
    }

    /** {@code 172.18.0.2/24}: the interface's own address with its prefix, as {@code ip addr} prints it. */
    static String address(InterfaceAddress a) {
        return a.address() + "/" + a.cidr().prefixLength();
    }

    /** {@code 3: cali62608e08adc UP mtu 1500 3e:45:.. — 169.254.1.1/32}. */
    static String iface(NetInterface i) {
        String addresses = i.addresses().stream().map(NodeSection::address)
                .collect(Collectors.joining(", "));
        return i.index() + ": " + i.name() + i.peer().map(p -> "@" + p).orElse("") + " " + i.operState()
                + " mtu " + i.mtu() + i.mac().map(m -> " " + m).orElse("")
                + i.kind().map(k -> " (" + k + ")").orElse("") + (addresses.isEmpty() ? "" : " — " + addresses);
    }
}
