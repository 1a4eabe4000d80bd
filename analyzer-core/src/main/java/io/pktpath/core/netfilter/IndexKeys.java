package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The (destination, protocol, destination port) keys under which a rule is the only way a packet can match it: a rule
 * is keyed when it tests a destination port set (a non-negated {@code --dport}, or {@code -m multiport --dports}, of at
 * most {@link #MAX_PORTS} ports) of the protocol its non-negated {@code -p} names, and every condition tested before
 * that port is pure; a packet with another key then fails the rule without any effect. With an exact {@code -d}
 * before the port the keys carry the destination, otherwise any destination.
 */
final class IndexKeys {
    /** Port sets larger than this (wide ranges) leave the rule unkeyed. */
    static final int MAX_PORTS = 16;

    /** A key: {@code anyDst} keys ignore {@code hi}/{@code lo}, which are then 0. */
    record Key(boolean anyDst, long hi, long lo, int proto, int port) {
        static Key exact(IpAddress dst, int proto, int port) {
            return new Key(false, dst.hi(), dst.lo(), proto, port);
        }

        static Key anyDestination(int proto, int port) {
            return new Key(true, 0, 0, proto, port);
        }

        /** The key of a rule that tests an exact destination and no port (protocol and port 0). */
        static Key destination(IpAddress dst) {
            return new Key(false, dst.hi(), dst.lo(), 0, 0);
        }

        /** True for a {@link #destination} key. */
        boolean destinationOnly() {
            return !anyDst && proto == 0 && port == 0;
        }

        /** Mixes every bit of the key into the hash. */
        @Override
        public int hashCode() {
            long h = (hi * 0x9E3779B97F4A7C15L + lo) * 0x9E3779B97F4A7C15L + ((long) proto << 17 | (long) port << 1 | (anyDst ? 1 : 0));
            h *= 0xBF58476D1CE4E5B9L;
            return (int) (h ^ (h >>> 31) ^ (h >>> 47));
        }

        /** The any-destination key with this key's protocol and port. */
        Key withAnyDestination() {
            return anyDestination(proto, port);
        }
    }

    private IndexKeys() {
    }

    /**
     * The keys of a rule, all exact or all any-destination, or the one {@link Key#destination} key of a rule whose every
     * condition is pure and which tests an exact destination but no port (nftables' {@code ip daddr @set reject},
     * expanded into a rule per element); empty when a packet of any key might match it.
     */
    static List<Key> of(CompiledRule rule) {
        Optional<IpAddress> dst = Optional.empty();
        int proto = -1;
        for (MatchEvaluator m : rule.matches) {
            if (m instanceof AddressEvaluator a && a.exactDestination().isPresent()) {
                dst = a.exactDestination();
            } else if (m instanceof ProtocolEvaluator p && p.number() > 0) {
                proto = p.number();
            } else if (proto > 0) {
                int[] ports = destinationPorts(m, proto);
                if (ports.length > 0) {
                    return keys(dst, proto, ports);
                }
            }
            if (!m.pure()) {
                return List.of();
            }
        }
        return dst.isPresent() ? List.of(Key.destination(dst.get())) : List.of();
    }

    private static int[] destinationPorts(MatchEvaluator m, int proto) {
        if (m instanceof PortEvaluator p && p.proto() == proto) {
            return p.destinationPorts(MAX_PORTS);
        }
        if (m instanceof MultiportEvaluator mp) {
            return mp.destinationPorts(MAX_PORTS);
        }
        return new int[0];
    }

    private static List<Key> keys(Optional<IpAddress> dst, int proto, int[] ports) {
        List<Key> out = new ArrayList<>(ports.length);
        for (int port : ports) {
            out.add(dst.isPresent() ? Key.exact(dst.get(), proto, port) : Key.anyDestination(proto, port));
        }
        return out;
    }
}
