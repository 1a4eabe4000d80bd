package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpAddress;

import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The reverse route lookup of fib_validate_source and xt_rpfilter: destination = the packet's source, source = its
 * destination (0 for multicast/broadcast in rpfilter), input device lo, the mark only when asked for.
 */
record ReversePath(FibOutcome outcome, List<NextHopOption> hops) {
    static ReversePath lookup(NodeFib fib, Packet p, long mark, boolean zeroGroupSource) {
        IpAddress from = p.dst();
        if (zeroGroupSource && (AddressClass.isMulticast(from) || AddressClass.isLimitedBroadcast(from))) {
            from = AddressClass.unspecified(p.family());
        }
        FlowKey k = new FlowKey(p.family(), from, p.src(), FlowKey.LOOPBACK_DEV, mark, 0, 0, 0, false, true);
        FibOutcome o = fib.walker(p.family()).walk(k);
        List<NextHopOption> hops = o.route().map(fib::nextHops).orElse(List.of());
        return new ReversePath(o, hops);
    }

    /** fib_info_nh_uses_dev: any next hop of the route leaves via {@code dev}. */
    boolean usesDevice(String dev) {
        for (NextHopOption h : hops) {
            if (h.dev().equals(dev)) {
                return true;
            }
        }
        return false;
    }

    /** The devices of the route back, comma-separated. */
    String devices() {
        StringJoiner j = new StringJoiner(",");
        hops.forEach(h -> j.add(h.dev()));
        return j.toString();
    }

    /** The route back as text: table and route line, or the rule action. */
    String describe() {
        Optional<Route> r = outcome.route();
        if (r.isPresent()) {
            return "table " + outcome.table() + ": " + r.get().text();
        }
        return "ip rule " + outcome.rulePriority();
    }
}
