package io.pktpath.core.routing;

import io.pktpath.core.engine.MssClampPath;
import io.pktpath.core.engine.Packet;
import java.util.List;
import java.util.Optional;

/**
 * The route lookups of xt_TCPMSS's {@code --clamp-mss-to-pmtu}: the MTU of the packet's own route (dst_mtu of the route
 * it took, out of its output device: the route's {@code mtu} metric, else the device's MTU) and of tcpmss_reverse_mtu's
 * output route to the packet's source (no source address, no mark, no device).
 */
final class MssClampLookup {
    private MssClampLookup() {
    }

    static Optional<MssClampPath> of(NodeFib fib, Packet p) {
        String out = p.outIface();
        if (out.isEmpty()) {
            return Optional.empty();
        }
        FlowKey forward = new FlowKey(p.family(), p.src(), p.dst(),
                p.locallyGenerated() || p.inIface().isEmpty() ? FlowKey.LOOPBACK_DEV : p.inIface(), p.mark(), p.proto(),
                p.sport(), p.dport(), true, true);
        int forwardMtu = hopOn(fib, fib.walker(p.family()).walk(forward), out)
                .orElseGet(() -> ForwardMtu.of(p.family(), Optional.empty(), fib.deviceMtu(out)));
        FlowKey back = new FlowKey(p.family(), AddressClass.unspecified(p.family()), p.src(), FlowKey.LOOPBACK_DEV, 0,
                0, 0, 0, false, true);
        FibOutcome o = fib.walker(p.family()).walk(back);
        List<NextHopOption> hops = o.found() ? o.route().map(fib::nextHops).orElse(List.of()) : List.of();
        if (hops.isEmpty()) {
            return Optional.of(new MssClampPath(forwardMtu, out, 0, ""));
        }
        return Optional.of(new MssClampPath(forwardMtu, out, hops.get(0).forwardMtu(), hops.get(0).dev()));
    }

    /** The MTU of the next hop through {@code dev} of the route {@code o} found, if it has one. */
    private static Optional<Integer> hopOn(NodeFib fib, FibOutcome o, String dev) {
        if (!o.found() || o.route().isEmpty()) {
            return Optional.empty();
        }
        return fib.nextHops(o.route().get()).stream().filter(h -> h.dev().equals(dev)).map(NextHopOption::forwardMtu)
                .filter(m -> m > 0).findFirst();
    }
}
