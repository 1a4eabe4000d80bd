package io.pktpath.core.routing;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.iproute.RuleAction;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the kernel would hold when the bundle lacks it: local-table entries built from interface addresses as
 * fib_add_ifaddr/addrconf do (local per address, the loopback prefix, broadcast entries), and the default policy rules.
 */
final class DerivedTables {
    static final SourceSpan DERIVED = new SourceSpan("(derived from ip addr)", 0, 0);
    static final SourceSpan DEFAULT_RULES = new SourceSpan("(kernel default ip rules)", 0, 0);

    private DerivedTables() {
    }

    /** Local-table routes of one family for every address of every interface, in interface order. */
    static List<Route> localTable(List<NetInterface> interfaces, IpFamily family) {
        Map<String, Route> out = new LinkedHashMap<>();
        for (NetInterface dev : interfaces) {
            boolean loopback = dev.flags().contains("LOOPBACK") || dev.name().equals(FlowKey.LOOPBACK_DEV);
            for (InterfaceAddress a : dev.addresses()) {
                if (a.family() != family) {
                    continue;
                }
                IpAddress addr = a.address();
                int len = a.cidr().prefixLength();
                if (family == IpFamily.V4 && loopback && !a.secondary() && len < 32) {
                    put(out, RouteType.LOCAL, new Cidr(addr.masked(len), len), dev.name(), addr, "host");
                }
                put(out, RouteType.LOCAL, Cidr.host(addr), dev.name(), family == IpFamily.V4 ? addr : null, "host");
                if (family == IpFamily.V4) {
                    a.broadcast().filter(b -> !AddressClass.isLimitedBroadcast(b))
                            .ifPresent(b -> put(out, RouteType.BROADCAST, Cidr.host(b), dev.name(), addr, "link"));
                    if (!a.secondary() && len < 31) {
                        IpAddress brd = IpAddress.v4((int) (addr.lo() | (0xffffffffL >>> len)));
                        put(out, RouteType.BROADCAST, Cidr.host(brd), dev.name(), addr, "link");
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static void put(Map<String, Route> out, RouteType type, Cidr dst, String dev, IpAddress src, String scope) {
        StringBuilder text = new StringBuilder(type.keyword()).append(' ').append(dst.toRouteString())
                .append(" dev ").append(dev).append(" table local proto kernel");
        if (src != null) {
            text.append(" scope ").append(scope).append(" src ").append(src);
        } else {
            text.append(" metric 0 pref medium");
        }
        String key = type + " " + dst.toRouteString();
        out.putIfAbsent(key, new Route(type, dst, Tables.LOCAL, Optional.of(dev), Optional.empty(),
                Optional.ofNullable(src), 0, src != null ? scope : "global", "kernel", Set.of(), Optional.empty(),
                Optional.empty(), List.of(), DERIVED, text.toString()));
    }

    /** The kernel's default rules: 0 local, 32766 main and (IPv4 only) 32767 default. */
    static List<PolicyRule> defaultRules(IpFamily family) {
        List<PolicyRule> rules = new ArrayList<>();
        rules.add(lookup(family, 0, Tables.LOCAL));
        rules.add(lookup(family, 32766, Tables.MAIN));
        if (family == IpFamily.V4) {
            rules.add(lookup(family, 32767, Tables.DEFAULT));
        }
        return rules;
    }

    private static PolicyRule lookup(IpFamily family, int priority, String table) {
        return new PolicyRule(family, priority, false, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), RuleAction.LOOKUP, Optional.of(table),
                Optional.empty(), Optional.empty(), Optional.empty(), false, DEFAULT_RULES,
                priority + ":\tfrom all lookup " + table);
    }
}
