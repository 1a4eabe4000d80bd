package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/** Equal copies of NAT targets made when their rule is compiled, so that they lie in memory beside the rule. */
final class NearbyTargets {
    private NearbyTargets() {
    }

    static Target copy(Target target) {
        if (target instanceof Dnat d) {
            NatRange r = d.range();
            Optional<IpAddress> from = r.from().map(NearbyTargets::copy);
            Optional<IpAddress> to = r.to().equals(r.from()) ? from : r.to().map(NearbyTargets::copy);
            Optional<PortRange> ports = r.ports().map(p -> new PortRange(p.from(), p.to()));
            return new Dnat(new NatRange(from, to, ports), d.random(), d.randomFully(), d.persistent());
        }
        return target;
    }

    private static IpAddress copy(IpAddress a) {
        return new IpAddress(a.family(), a.hi(), a.lo());
    }
}
