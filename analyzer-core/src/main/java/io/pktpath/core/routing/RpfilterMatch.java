package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iproute.RouteType;

/**
 * {@code -m rpfilter} (xt_rpfilter): loopback input passes; a 0.0.0.0 source to broadcast or 224.0.0.0/24 passes;
 * otherwise the reverse lookup must give a unicast route (or local with {@code --accept-local}) through the input
 * device, any device with {@code --loose}; the mark is used only with {@code --validmark}. An IPv6 link-local source is
 * looked up on the input device only (RT6_LOOKUP_F_IFACE, as xt_rpfilter and nft's fib do): it passes when the main
 * table has a unicast route for it through that device ({@code fe80::/64 dev eth0}).
 */
final class RpfilterMatch {
    private RpfilterMatch() {
    }

    static boolean passes(NodeFib fib, Packet p, boolean loose, boolean validMark, boolean acceptLocal) {
        if (fib.interfaces().isLoopback(p.inIface())) {
            return true;
        }
        if (AddressClass.isUnspecified(p.src()) && p.src().isV4()
                && (AddressClass.isLimitedBroadcast(p.dst()) || (p.dst().lo() >>> 8) == 0xe00000L)) {
            return true;
        }
        if (!p.src().isV4() && AddressClass.isLinkLocalV6(p.src())) {
            return fib.walker(p.family()).table("main").map(t -> t.routes().stream().anyMatch(r ->
                    r.type() == RouteType.UNICAST && r.destination().contains(p.src())
                            && r.dev().filter(d -> d.equals(p.inIface())).isPresent())).orElse(false);
        }
        ReversePath rev = ReversePath.lookup(fib, p, validMark ? p.mark() : 0, true);
        if (!rev.outcome().found()) {
            return false;
        }
        RouteType t = rev.outcome().type().get();
        if (t != RouteType.UNICAST && !(t == RouteType.LOCAL && acceptLocal)) {
            return false;
        }
        return loose || rev.usesDevice(p.inIface());
    }
}
