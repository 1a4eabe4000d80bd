package io.pktpath.core.routing;

import io.pktpath.parser.iproute.RouteMtu;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/**
 * The MTU the kernel holds a forwarded packet to on one next hop, as ip_dst_mtu_maybe_forward (IPv4: the route's
 * {@code mtu} metric, locked or not, else the device's MTU, at most 65535) and ip6_dst_mtu_maybe_forward (IPv6: the
 * route's metric only when locked, else the device's IPv6 MTU, at least 1280) compute it; {@link #UNKNOWN} when the
 * bundle does not tell. Learned path MTUs (route exceptions) are not in a bundle; kernels before 5.10 ignore an unlocked
 * IPv4 route MTU when forwarding.
 */
final class ForwardMtu {
    /** No MTU known: the replay checks nothing. */
    static final int UNKNOWN = 0;
    static final int IPV4_MAX = 65535;
    static final int IPV6_MIN = 1280;

    private ForwardMtu() {
    }

    /** The MTU for a next hop of a route of {@code family} with metric {@code route} on a device of MTU {@code device}. */
    static int of(IpFamily family, Optional<RouteMtu> route, int device) {
        if (family == IpFamily.V4) {
            int mtu = route.map(RouteMtu::bytes).filter(b -> b > 0).orElse(device);
            return mtu <= 0 ? UNKNOWN : Math.min(mtu, IPV4_MAX);
        }
        int mtu = route.filter(RouteMtu::locked).map(RouteMtu::bytes).filter(b -> b > 0).orElse(device);
        return mtu <= 0 ? UNKNOWN : Math.max(mtu, IPV6_MIN);
    }
}
