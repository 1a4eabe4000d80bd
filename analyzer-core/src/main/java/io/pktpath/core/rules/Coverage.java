package io.pktpath.core.rules;

import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.net.Cidr;

/**
 * Whether one match holds for every packet another match holds for ({@code -s 10.0.0.0/8} covers {@code -s 10.1.0.0/16};
 * {@code --dport 80} covers {@code --dport 80 --syn}); spelling differences never matter, anything unsure is "no".
 */
final class Coverage {
    private Coverage() {
    }

    /** True when every packet {@code later} accepts, {@code earlier} accepts too. */
    static boolean covers(Match earlier, Match later) {
        if (earlier instanceof AddressMatch a && later instanceof AddressMatch b) {
            return a.side() == b.side() && (a.negated() == b.negated() && (a.negated() ? contains(b.cidr(), a.cidr())
                    : contains(a.cidr(), b.cidr())) || !a.negated() && a.cidr().prefixLength() == 0);
        }
        if (earlier instanceof ProtocolMatch a && later instanceof ProtocolMatch b) {
            return !a.negated() && a.number() == 0 || a.negated() == b.negated() && a.number() == b.number();
        }
        if (earlier instanceof InterfaceMatch a && later instanceof InterfaceMatch b) {
            return a.side() == b.side() && !a.negated() && !b.negated() && interfaceCovers(a, b)
                    || a.side() == b.side() && a.negated() && b.negated() && interfaceCovers(b, a);
        }
        if (earlier instanceof FragmentMatch a && later instanceof FragmentMatch b) {
            return a.negated() == b.negated();
        }
        if (earlier instanceof ModuleMatch a && later instanceof ModuleMatch b) {
            return a.module().equals(b.module()) && a.options().stream().allMatch(o -> b.options().stream()
                    .anyMatch(p -> same(o, p)));
        }
        return false;
    }

    /** The prefix {@code outer} holds every address of {@code inner}. */
    private static boolean contains(Cidr outer, Cidr inner) {
        return outer.family() == inner.family() && outer.prefixLength() <= inner.prefixLength()
                && outer.contains(inner.network());
    }

    private static boolean interfaceCovers(InterfaceMatch a, InterfaceMatch b) {
        if (!a.wildcard()) {
            return !b.wildcard() && a.name().equals(b.name());
        }
        String prefix = a.name().substring(0, a.name().length() - 1);
        return b.name().startsWith(prefix);
    }

    private static boolean same(MatchOption a, MatchOption b) {
        return a.name().equals(b.name()) && a.negated() == b.negated() && a.value().equals(b.value());
    }
}
