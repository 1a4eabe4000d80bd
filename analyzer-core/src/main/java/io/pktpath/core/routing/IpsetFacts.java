package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.ipset.Dimension;
import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.ipset.ProtocolNumbers;
import io.pktpath.parser.ipset.SetProbe;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code -m set} membership from {@code ipset save}: one probe per set dimension taken from the packet's source or
 * destination field as the direction flags say; fewer flags than dimensions, or a family mismatch, never match
 * (ip_set_test); IpSets decides the rest ({@code list:set}, {@code --return-nomatch}); a set missing from the bundle is
 * unknown.
 */
final class IpsetFacts {
    private final IpSets sets;

    IpsetFacts(IpSets sets) {
        this.sets = sets;
    }

    Optional<Boolean> contains(String setName, List<String> directions, boolean returnNomatch, Packet p) {
        return sets.test(setName, set -> probes(set, directions, p), returnNomatch);
    }

    Optional<IpSet> set(String setName) {
        return sets.get(setName);
    }

    /** The packet's element for a set that is not a list:set, its addresses masked by the set's netmask or bitmask. */
    Optional<List<SetProbe>> element(String setName, List<String> directions, Packet p) {
        Optional<IpSet> set = sets.get(setName).filter(s -> !s.type().method().equals("list"));
        if (set.isEmpty()) {
            return Optional.empty();
        }
        return probes(set.get(), directions, p).map(list -> set.get().mask().map(m -> list.stream()
                .map(x -> x instanceof SetProbe.Address a ? (SetProbe) new SetProbe.Address(m.apply(a.address())) : x)
                .toList()).orElse(list));
    }

    /** The packet's values for one set, or none when it has none for it (the set does not match). */
    private static Optional<List<SetProbe>> probes(IpSet set, List<String> directions, Packet p) {
        List<Dimension> dims = set.type().dimensions();
        if (directions.size() < dims.size()) {
            return Optional.empty();
        }
        boolean hasAddress = dims.contains(Dimension.IP) || dims.contains(Dimension.NET);
        if (hasAddress && set.family() != p.family()) {
            return Optional.empty();
        }
        List<SetProbe> probes = new ArrayList<>(dims.size());
        for (int i = 0; i < dims.size(); i++) {
            Optional<SetProbe> probe = probe(dims.get(i), "src".equals(directions.get(i)), p);
            if (probe.isEmpty()) {
                return Optional.empty();
            }
            probes.add(probe.get());
        }
        return Optional.of(probes);
    }

    private static Optional<SetProbe> probe(Dimension dim, boolean src, Packet p) {
        return switch (dim) {
            case IP, NET -> Optional.of(new SetProbe.Address(src ? p.src() : p.dst()));
            case PORT -> port(src, p);
            case MAC -> src ? p.macSource().map(SetProbe.Mac::new) : Optional.empty();
            case IFACE -> iface(src ? p.inIface() : p.outIface());
            case MARK -> Optional.of(new SetProbe.Mark(p.mark()));
            case SET -> Optional.empty();
        };
    }

    /** The in or out device's name; none when there is no such device yet (hash_netiface4_kadt: no match). */
    private static Optional<SetProbe> iface(String name) {
        return name.isEmpty() ? Optional.empty() : Optional.of(new SetProbe.Iface(name));
    }

    /**
     * The protocol number and port ip_set_get_ip4_port / ip_set_get_ip6_port read: tcp, udp, sctp and udplite ports,
     * icmp and icmpv6 type&lt;&lt;8|code, 0 for other protocols; none (the set does not match) for a non-first fragment
     * of those protocols, or for any non-first IPv6 fragment.
     */
    private static Optional<SetProbe> port(boolean src, Packet p) {
        int proto = p.proto();
        boolean ported = ProtocolNumbers.hasPorts(proto);
        if (!p.firstFragment() && (ported || p.isIcmp() || p.family() == IpFamily.V6)) {
            return Optional.empty();
        }
        int port = p.isIcmp() ? (p.icmpType() & 0xff) << 8 | (p.icmpCode() & 0xff) : ported ? src ? p.sport() : p.dport() : 0;
        return Optional.of(new SetProbe.Port(proto, port));
    }
}
