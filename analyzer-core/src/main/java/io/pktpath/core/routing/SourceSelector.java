package io.pktpath.core.routing;

import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.List;
import java.util.Optional;

/**
 * Source address choices: for local traffic (route {@code src}, else inet_select_addr on the output device, then other
 * devices; §6.3), for MASQUERADE (inet_select_addr at universe scope, never the route src or secondaries; §5.4) and for
 * REDIRECT (the first address of the input device, loopback for OUTPUT; §5.5). IPv6 uses a reduced RFC 6724 order.
 */
final class SourceSelector {
    private static final int SCOPE_UNIVERSE = 0;
    private static final int SCOPE_LINK = 253;

    private final Interfaces interfaces;

    SourceSelector(Interfaces interfaces) {
        this.interfaces = interfaces;
    }

    /** The source the kernel gives an unbound socket for this route (fib_result_prefsrc). */
    Optional<IpAddress> forLocalTraffic(Route r, String outDev, IpAddress nextHop, IpAddress dst) {
        if (r.src().isPresent()) {
            return r.src();
        }
        if (r.type() == RouteType.LOCAL) {
            return Optional.of(dst);
        }
        if (r.family() == IpFamily.V6) {
            return v6Select(outDev, dst);
        }
        return selectV4(outDev, nextHop, Interfaces.scopeRank(r.scope()));
    }

    /** MASQUERADE's choice: first primary in the next hop's subnet, else the first primary, else another device. */
    Optional<IpAddress> masquerade(String outDev, IpAddress nextHop) {
        if (!nextHop.isV4()) {
            return v6Select(outDev, nextHop);
        }
        return selectV4(outDev, nextHop, SCOPE_UNIVERSE);
    }

    /** REDIRECT's choice: the first address of the input device; for OUTPUT (no input device) 127.0.0.1 or ::1. */
    Optional<IpAddress> redirect(String inDev, IpFamily family) {
        if (inDev.isEmpty()) {
            return Optional.of(AddressClass.loopback(family));
        }
        for (InterfaceAddress a : interfaces.primaries(inDev, family)) {
            if (!a.flags().contains("tentative")) {
                return Optional.of(a.address());
            }
        }
        return Optional.empty();
    }

    /** inet_select_addr: primaries of the device with scope up to {@code scope}, the next hop's subnet first. */
    private Optional<IpAddress> selectV4(String dev, IpAddress nextHop, int scope) {
        IpAddress first = null;
        for (InterfaceAddress a : interfaces.primaries(dev, IpFamily.V4)) {
            if (Interfaces.scopeRank(a.scope()) > scope) {
                continue;
            }
            if (a.cidr().contains(nextHop)) {
                return Optional.of(a.address());
            }
            if (first == null) {
                first = a.address();
            }
        }
        if (first != null) {
            return Optional.of(first);
        }
        for (NetInterface other : interfaces.all()) {
            for (InterfaceAddress a : interfaces.primaries(other.name(), IpFamily.V4)) {
                int rank = Interfaces.scopeRank(a.scope());
                if (rank != SCOPE_LINK && rank <= scope) {
                    return Optional.of(a.address());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * IPv6 source selection reduced to what a bundle shows: same scope as the destination (link-local for fe80::/10),
     * not tentative, not deprecated before deprecated, longest common prefix with the destination; the output device
     * first, then the others in index order.
     */
    private Optional<IpAddress> v6Select(String dev, IpAddress dst) {
        Optional<IpAddress> onDev = bestV6(interfaces.byName(dev).map(List::of).orElse(List.of()), dst);
        return onDev.isPresent() ? onDev : bestV6(interfaces.all(), dst);
    }

    private static Optional<IpAddress> bestV6(List<NetInterface> devs, IpAddress dst) {
        boolean wantLink = AddressClass.isLinkLocalV6(dst);
        InterfaceAddress best = null;
        for (NetInterface d : devs) {
            for (InterfaceAddress a : d.addresses()) {
                if (a.family() != IpFamily.V6 || a.flags().contains("tentative")
                        || AddressClass.isLinkLocalV6(a.address()) != wantLink
                        || "host".equals(a.scope()) && !AddressClass.isLoopback(dst)) {
                    continue;
                }
                if (best == null || better(a, best, dst)) {
                    best = a;
                }
            }
        }
        return Optional.ofNullable(best).map(InterfaceAddress::address);
    }

    private static boolean better(InterfaceAddress a, InterfaceAddress b, IpAddress dst) {
        boolean aDep = a.flags().contains("deprecated");
        boolean bDep = b.flags().contains("deprecated");
        if (aDep != bDep) {
            return !aDep;
        }
        return commonPrefix(a.address(), dst) > commonPrefix(b.address(), dst);
    }

    static int commonPrefix(IpAddress a, IpAddress b) {
        long hi = a.hi() ^ b.hi();
        if (hi != 0) {
            return Long.numberOfLeadingZeros(hi);
        }
        return 64 + Long.numberOfLeadingZeros(a.lo() ^ b.lo());
    }
}
