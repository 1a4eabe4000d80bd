package io.pktpath.core.routing;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.Neighbor;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.parser.sysctl.Sysctls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link NodeNetwork} is built from: interfaces with addresses ({@code ip addr}), the routes of all tables of both
 * families ({@code ip [-6] route show table all}), the policy rules per family (empty when the bundle has no
 * {@code ip [-6] rule} output: the kernel defaults are assumed), neighbours, sysctls, ipset contents, the sockets
 * {@code ss} listed (empty: unknown) and the multicast memberships {@code ip maddr} listed (empty: not listed).
 */
public record NetworkInputs(List<NetInterface> interfaces, List<Route> routes, Optional<List<PolicyRule>> rulesV4,
                            Optional<List<PolicyRule>> rulesV6, List<Neighbor> neighbors, Sysctls sysctls,
                            IpSets ipsets, Optional<SocketTable> sockets, List<MulticastGroups> multicastGroups) {
    public NetworkInputs {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        rulesV4 = rulesV4.map(List::copyOf);
        rulesV6 = rulesV6.map(List::copyOf);
        neighbors = List.copyOf(neighbors);
        Objects.requireNonNull(sysctls, "sysctls");
        Objects.requireNonNull(ipsets, "ipsets");
        Objects.requireNonNull(sockets, "sockets");
        multicastGroups = List.copyOf(multicastGroups);
    }

    /** Inputs without multicast memberships. */
    public NetworkInputs(List<NetInterface> interfaces, List<Route> routes, Optional<List<PolicyRule>> rulesV4,
                         Optional<List<PolicyRule>> rulesV6, List<Neighbor> neighbors, Sysctls sysctls, IpSets ipsets,
                         Optional<SocketTable> sockets) {
        this(interfaces, routes, rulesV4, rulesV6, neighbors, sysctls, ipsets, sockets, List.of());
    }

    /** Inputs without a socket table. */
    public NetworkInputs(List<NetInterface> interfaces, List<Route> routes, Optional<List<PolicyRule>> rulesV4,
                         Optional<List<PolicyRule>> rulesV6, List<Neighbor> neighbors, Sysctls sysctls, IpSets ipsets) {
        this(interfaces, routes, rulesV4, rulesV6, neighbors, sysctls, ipsets, Optional.empty(), List.of());
    }

    /**
     * The routing inputs of a loaded bundle; a family without any policy rule counts as absent (the kernel always has at
     * least {@code 0: from all lookup local}, so an empty list means {@code ip rule} was not captured).
     */
    public static NetworkInputs fromBundle(Bundle b) {
        List<Route> routes = new java.util.ArrayList<>(b.routesV4());
        routes.addAll(b.routesV6());
        Optional<List<PolicyRule>> v4 = b.policyRulesV4().isEmpty() ? Optional.empty() : Optional.of(b.policyRulesV4());
        Optional<List<PolicyRule>> v6 = b.policyRulesV6().isEmpty() ? Optional.empty() : Optional.of(b.policyRulesV6());
        return new NetworkInputs(b.interfaces(), routes, v4, v6, b.neighbors(), b.sysctls(), b.ipsets(), b.sockets(),
                b.multicastGroups());
    }
}
