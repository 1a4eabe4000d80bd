package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The destinations the DNAT rules of a nat table rewrite packets to: one address and one port (kube-proxy's and
 * docker's rules, found by a hash lookup), and the wider ranges, tested one by one.
 */
final class DnatTargets {
    /** One address and port, with the rule's protocol (0 when it names none). */
    private record Exact(IpAddress address, int proto, int port) {
    }

    /** A range and the rule's protocol. */
    private record Wide(NatRange range, int proto) {
        boolean includes(int packetProto, IpAddress to, int port) {
            if (proto != 0 && proto != packetProto) {
                return false;
            }
            if (range.from().isPresent() && (range.from().get().family() != to.family()
                    || range.from().get().compareTo(to) > 0 || range.to().get().compareTo(to) < 0)) {
                return false;
            }
            // a range without ports keeps the packet's port; one with ports needs a packet that has them
            return range.ports().isEmpty() || port >= range.ports().get().from() && port <= range.ports().get().to();
        }
    }

    /**
     * The one-address targets, each also with port -1: a packet of the rule's protocol without ports (a later
     * fragment) may have been sent to that address.
     */
    private final Set<Exact> exact;
    private final List<Wide> wide;

    private DnatTargets(Set<Exact> exact, List<Wide> wide) {
        this.exact = exact;
        this.wide = wide;
    }

    /** The targets of the DNAT rules among {@code chains}' rules; {@code protocol} gives a rule's protocol (0: any). */
    static DnatTargets of(Collection<CompiledChain> chains, ToIntFunction<CompiledRule> protocol) {
        Set<Exact> exact = new HashSet<>();
        List<Wide> wide = new ArrayList<>();
        for (CompiledChain c : chains) {
            for (CompiledRule r : c.rules) {
                if (r.target instanceof Dnat d) {
                    NatRange range = d.range();
                    int proto = protocol.applyAsInt(r);
                    if (oneAddressAndPort(range)) {
                        exact.add(new Exact(range.from().get(), proto, range.ports().get().from()));
                        exact.add(new Exact(range.from().get(), proto, -1));
                    } else {
                        wide.add(new Wide(range, proto));
                    }
                }
            }
        }
        return new DnatTargets(exact, wide);
    }

    /** Whether a DNAT range names one address and one port (kube-proxy's endpoints, docker's published ports). */
    static boolean oneAddressAndPort(NatRange range) {
        return range.from().isPresent() && range.from().equals(range.to()) && range.ports().isPresent()
                && range.ports().get().from() == range.ports().get().to();
    }

    boolean include(int proto, IpAddress to, int port) {
        if (exact.contains(new Exact(to, proto, port)) || exact.contains(new Exact(to, 0, port))) {
            return true;
        }
        for (Wide w : wide) {
            if (w.includes(proto, to, port)) {
                return true;
            }
        }
        return false;
    }
}
