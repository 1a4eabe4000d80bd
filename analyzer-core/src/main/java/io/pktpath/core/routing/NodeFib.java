package io.pktpath.core.routing;

import io.pktpath.core.trace.RouteDecision;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.NextHop;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Sysctls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's forwarding information base per family: policy walkers over the tables (local table derived and default
 * rules assumed when the bundle lacks them, each recorded in {@link #assumptions()}), the interfaces and the sysctls.
 */
final class NodeFib {
    private final Interfaces interfaces;
    private final Sysctls sysctls;
    private final List<MulticastGroups> multicastGroups;
    private final Map<IpFamily, PolicyWalker> walkers = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, RouteTable> localTables = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Boolean> customRules = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Boolean> customLocalRoutes = new EnumMap<>(IpFamily.class);
    private final List<String> assumptions;
    private final Map<String, InterfaceConf> confs = new HashMap<>();
    private final Map<Route, List<NextHopOption>> hopsByRoute = new IdentityHashMap<>();
    private final Map<Route, RouteDecision> decisions = new IdentityHashMap<>();
    /** Whether some route of the node (given or derived) is flagged linkdown; most nodes have none. */
    private boolean anyLinkdown;

    private static final String LINKDOWN = "linkdown";

    NodeFib(NetworkInputs in) {
        for (Route r : in.routes()) {
            anyLinkdown |= r.flags().contains(LINKDOWN);
        }
        this.interfaces = new Interfaces(in.interfaces());
        this.sysctls = in.sysctls();
        this.multicastGroups = in.multicastGroups();
        List<String> notes = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            Map<String, List<Route>> byTable = new LinkedHashMap<>();
            boolean custom = false;
            for (Route r : in.routes()) {
                if (r.family() == f) {
                    String table = Tables.normalize(r.table());
                    byTable.computeIfAbsent(table, k -> new ArrayList<>()).add(r);
                    custom |= table.equals(Tables.LOCAL) && r.type() == RouteType.LOCAL && !r.proto().equals("kernel");
                }
            }
            if (!byTable.containsKey(Tables.LOCAL)) {
                List<Route> derived = DerivedTables.localTable(interfaces.all(), f);
                if (!derived.isEmpty()) {
                    byTable.put(Tables.LOCAL, derived);
                    notes.add("ip route show table all has no local-table entries for " + name(f) + "; derived "
                            + derived.size() + " local/broadcast entries from the interface addresses");
                }
            }
            Map<String, RouteTable> tables = new LinkedHashMap<>();
            byTable.forEach((name, routes) -> tables.put(name, new RouteTable(name, f, usable(routes))));
            tables.values().forEach(t -> t.routes().forEach(r -> {
                hopsByRoute.put(r, computeHops(r));
                decisions.put(r, decisionOf(r, -1, ""));
                anyLinkdown |= r.flags().contains(LINKDOWN);
            }));
            Optional<List<PolicyRule>> given = f == IpFamily.V4 ? in.rulesV4() : in.rulesV6();
            List<PolicyRule> rules = new ArrayList<>(given.orElseGet(() -> DerivedTables.defaultRules(f)));
            if (given.isEmpty()) {
                notes.add("no ip rule output for " + name(f) + "; kernel default rules assumed ("
                        + (f == IpFamily.V4 ? "0 local, 32766 main, 32767 default" : "0 local, 32766 main") + ")");
            }
            rules.sort(Comparator.comparingInt(PolicyRule::priority));
            PolicyWalker walker = new PolicyWalker(rules.stream().filter(r -> r.family() == f)
                    .map(CompiledRule::new).toList(), tables);
            walkers.put(f, walker);
            localTables.put(f, tables.getOrDefault(Tables.LOCAL, new RouteTable(Tables.LOCAL, f, List.of())));
            customRules.put(f, walker.hasCustomRules());
            customLocalRoutes.put(f, custom);
        }
        this.assumptions = List.copyOf(notes);
        for (String name : confNames(interfaces, sysctls)) {
            confs.put(name, InterfaceConf.of(sysctls, name));
        }
    }

    /** Every interface of ip addr and every device named by a net.ipv4/ipv6.conf sysctl. */
    private static Set<String> confNames(Interfaces interfaces, Sysctls sysctls) {
        Set<String> names = new TreeSet<>();
        interfaces.all().forEach(i -> names.add(i.name()));
        for (String key : sysctls.values().keySet()) {
            for (String prefix : new String[] {"net.ipv4.conf.", "net.ipv6.conf."}) {
                int end = key.lastIndexOf('.');
                if (key.startsWith(prefix) && end > prefix.length()) {
                    names.add(key.substring(prefix.length(), end).replace('/', '.'));
                }
            }
        }
        return names;
    }

    /** The check settings of an input device (precomputed for known devices). */
    InterfaceConf conf(String dev) {
        InterfaceConf c = confs.get(dev);
        return c != null ? c : InterfaceConf.of(sysctls, dev);
    }

    private static String name(IpFamily f) {
        return f == IpFamily.V4 ? "IPv4" : "IPv6";
    }

    Interfaces interfaces() {
        return interfaces;
    }

    Sysctls sysctls() {
        return sysctls;
    }

    /** The interfaces' multicast memberships as {@code ip maddr} listed them (empty when the bundle has none). */
    List<MulticastGroups> multicastGroups() {
        return multicastGroups;
    }

    List<String> assumptions() {
        return assumptions;
    }

    PolicyWalker walker(IpFamily f) {
        return walkers.get(f);
    }

    RouteTable localTable(IpFamily f) {
        return localTables.get(f);
    }

    /** Rules beyond the defaults, or user-added local routes: the kernel then always runs the full source check. */
    boolean needsFullSourceCheck(IpFamily f) {
        return customRules.get(f) || customLocalRoutes.get(f);
    }

    /** True when the local table holds a {@code local} route for the address (every interface address, 127/8, ::1). */
    boolean isLocal(IpAddress a) {
        Optional<Route> r = localTables.get(a.family()).lookup(a);
        return r.isPresent() && r.get().type() == RouteType.LOCAL;
    }

    /** The next hops of a route that the kernel can use, in order; a single-path route gives one. */
    /** True if the route is flagged linkdown (asked of every forwarded packet: answered without a set lookup on most nodes). */
    boolean linkdown(Route r) {
        return anyLinkdown && r.flags().contains(LINKDOWN);
    }

    List<NextHopOption> nextHops(Route r) {
        List<NextHopOption> known = hopsByRoute.get(r);
        return known != null ? known : computeHops(r);
    }

    /** The trace decision for a route found through rule {@code priority} in {@code table}, with source {@code src}. */
    RouteDecision decision(Route r, int priority, String table, String src) {
        RouteDecision d = decisions.get(r);
        if (d == null) {
            d = decisionOf(r, priority, table);
        }
        return new RouteDecision(priority, table, d.prefix(), d.type(), d.dev(), d.via(), src, d.routeText());
    }

    private RouteDecision decisionOf(Route r, int priority, String table) {
        List<NextHopOption> hops = nextHops(r);
        String dev = hops.isEmpty() ? r.dev().orElse("") : hops.get(0).dev();
        String via = hops.isEmpty() ? "" : hops.get(0).via().map(IpAddress::toString).orElse("");
        return new RouteDecision(priority, table, r.destination().toRouteString(), r.type().keyword(), dev, via, "",
                r.text());
    }

    private List<NextHopOption> computeHops(Route r) {
        if (r.nexthops().isEmpty()) {
            String dev = r.dev().orElse("");
            return List.of(new NextHopOption(r.via(), dev, 1, forwardMtu(r, dev)));
        }
        List<NextHopOption> out = new ArrayList<>();
        for (NextHop h : r.nexthops()) {
            if (alive(h.dev(), h.flags().contains("dead"), h.flags().contains("linkdown"), r.family())) {
                String dev = h.dev().or(r::dev).orElse("");
                out.add(new NextHopOption(h.via(), dev, h.weight(), forwardMtu(r, dev)));
            }
        }
        return List.copyOf(out);
    }

    /** The MTU a packet forwarded by {@code r} through {@code dev} must fit ({@link ForwardMtu}). */
    private int forwardMtu(Route r, String dev) {
        return ForwardMtu.of(r.family(), r.mtu(), r.family() == IpFamily.V4 ? deviceMtu(dev) : ipv6Mtu(dev));
    }

    /** The MTU {@code ip link} shows for a device, 0 when the device or its MTU is unknown. */
    int deviceMtu(String dev) {
        // not map(NetInterface::mtu).orElse(0): that boxes the MTU (1500) for every forwarded walk
        Optional<NetInterface> device = interfaces.byName(dev);
        return device.isPresent() ? device.get().mtu() : 0;
    }

    /** A device's IPv6 MTU: {@code net.ipv6.conf.DEV.mtu} (lowered by a router advertisement) when given, else its MTU. */
    private int ipv6Mtu(String dev) {
        return sysctls.number("net.ipv6.conf." + dev.replace('.', '/') + ".mtu").map(Long::intValue)
                .orElseGet(() -> deviceMtu(dev));
    }

    private List<Route> usable(List<Route> routes) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            boolean ok = r.nexthops().isEmpty()
                    ? alive(r.dev(), r.flags().contains("dead"), r.flags().contains("linkdown"), r.family())
                    : !computeHops(r).isEmpty();
            if (ok) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A next hop is skipped when dead, when its device is down, or when it is {@code linkdown} and
     * {@code ignore_routes_with_linkdown} is set (all OR device) — linkdown routes are used by default.
     */
    private boolean alive(Optional<String> dev, boolean dead, boolean linkdown, IpFamily f) {
        if (dead || dev.isPresent() && interfaces.isDown(dev.get())) {
            return false;
        }
        return !linkdown || dev.isEmpty() || !ignoresLinkdown(dev.get(), f);
    }

    boolean ignoresLinkdown(String dev, IpFamily f) {
        String fam = f == IpFamily.V4 ? "ipv4" : "ipv6";
        String leaf = ".ignore_routes_with_linkdown";
        return sysctls.get("net." + fam + ".conf.all" + leaf).value() != 0
                || sysctls.get("net." + fam + ".conf." + dev.replace('.', '/') + leaf).value() != 0;
    }
}
