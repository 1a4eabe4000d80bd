package io.pktpath.core.routing;

import io.pktpath.core.engine.AddrType;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code -m addrtype} classes (netfilter-semantics §4.2). IPv4 follows inet_dev_addr_type: 0.0.0.0/8 and
 * 255.255.255.255 are BROADCAST, 224/4 MULTICAST, else the type of the local-table route (counted only when its device
 * is the limit interface), else UNICAST. IPv6 follows xt_addrtype's match_type6: UNSPEC/MULTICAST/UNICAST by address,
 * plus LOCAL, ANYCAST or UNREACHABLE from a route lookup.
 */
final class AddrTypes {
    private final NodeFib fib;

    AddrTypes(NodeFib fib) {
        this.fib = fib;
    }

    Set<AddrType> of(IpAddress a, Optional<String> limitIface) {
        return a.isV4() ? Set.of(v4(a, limitIface)) : v6(a, limitIface);
    }

    private AddrType v4(IpAddress a, Optional<String> limitIface) {
        if (AddressClass.isZeroNet(a) || AddressClass.isLimitedBroadcast(a)) {
            return AddrType.BROADCAST;
        }
        if (AddressClass.isMulticast(a)) {
            return AddrType.MULTICAST;
        }
        Optional<Route> r = fib.localTable(IpFamily.V4).lookup(a);
        if (r.isEmpty()) {
            return AddrType.UNICAST;
        }
        if (limitIface.isPresent() && !limitIface.get().equals(firstDev(r.get()))) {
            return AddrType.UNICAST;
        }
        return map(r.get().type());
    }

    private Set<AddrType> v6(IpAddress a, Optional<String> limitIface) {
        EnumSet<AddrType> out = EnumSet.noneOf(AddrType.class);
        if (AddressClass.isUnspecified(a)) {
            out.add(AddrType.UNSPEC);
        } else if (AddressClass.isMulticast(a)) {
            out.add(AddrType.MULTICAST);
        } else {
            out.add(AddrType.UNICAST);
        }
        FlowKey k = new FlowKey(IpFamily.V6, AddressClass.V6_ANY, a, FlowKey.LOOPBACK_DEV, 0, 0, 0, 0, false, false);
        FibOutcome o = fib.walker(IpFamily.V6).walk(k);
        if (!o.found() || o.type().get().rejects()) {
            out.add(AddrType.UNREACHABLE);
            return out;
        }
        Route r = o.route().orElseThrow();
        if (limitIface.isPresent() && !limitIface.get().equals(firstDev(r))) {
            return out;
        }
        if (r.type() == RouteType.LOCAL) {
            out.add(AddrType.LOCAL);
        } else if (r.type() == RouteType.ANYCAST) {
            out.add(AddrType.ANYCAST);
        }
        return out;
    }

    private String firstDev(Route r) {
        List<NextHopOption> hops = fib.nextHops(r);
        return hops.isEmpty() ? r.dev().orElse("") : hops.get(0).dev();
    }

    static AddrType map(RouteType t) {
        return switch (t) {
            case UNICAST -> AddrType.UNICAST;
            case LOCAL -> AddrType.LOCAL;
            case BROADCAST -> AddrType.BROADCAST;
            case MULTICAST -> AddrType.MULTICAST;
            case BLACKHOLE -> AddrType.BLACKHOLE;
            case UNREACHABLE -> AddrType.UNREACHABLE;
            case PROHIBIT -> AddrType.PROHIBIT;
            case THROW -> AddrType.THROW;
            case ANYCAST -> AddrType.ANYCAST;
            case NAT -> AddrType.NAT;
        };
    }
}
