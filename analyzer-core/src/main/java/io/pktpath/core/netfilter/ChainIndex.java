package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An index over a long chain of kube-proxy-like rules ({@code -d VIP/32 -p P -m P --dport N ...}): a rule is keyed by
 * (destination, protocol, port) when those three conditions are plain equalities and every condition tested before
 * the port is pure, so a packet with another key fails it without any effect; all other rules stay candidates for
 * every packet. Candidates come out in rule order, so a walk over them equals a linear walk (misses aside, which is
 * why the walker scans linearly when misses are collected).
 */
final class ChainIndex {
    /** Chains shorter than this are scanned linearly. */
    static final int MIN_RULES = 16;
    /** An index is built only when at most this many rules could match anything. */
    static final int MAX_WILD = 64;

    private record Key(long hi, long lo, int proto, int port) {
    }

    private final Map<Key, int[]> byKey;
    private final int[] wild;

    private ChainIndex(Map<Key, int[]> byKey, int[] wild) {
        this.byKey = byKey;
        this.wild = wild;
    }

    static Optional<ChainIndex> build(CompiledRule[] rules) {
        if (rules.length < MIN_RULES) {
            return Optional.empty();
        }
        Map<Key, List<Integer>> keyed = new HashMap<>();
        List<Integer> wild = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            Optional<Key> k = key(rules[i]);
            if (k.isPresent()) {
                keyed.computeIfAbsent(k.get(), x -> new ArrayList<>()).add(i);
            } else {
                wild.add(i);
            }
        }
        if (wild.size() > MAX_WILD || keyed.isEmpty()) {
            return Optional.empty();
        }
        Map<Key, int[]> merged = new HashMap<>();
        for (Map.Entry<Key, List<Integer>> e : keyed.entrySet()) {
            TreeSet<Integer> positions = new TreeSet<>(e.getValue());
            positions.addAll(wild);
            merged.put(e.getKey(), positions.stream().mapToInt(Integer::intValue).toArray());
        }
        return Optional.of(new ChainIndex(merged, wild.stream().mapToInt(Integer::intValue).toArray()));
    }

    private static Optional<Key> key(CompiledRule rule) {
        Optional<IpAddress> dst = Optional.empty();
        int proto = -1;
        for (MatchEvaluator m : rule.matches) {
            if (m instanceof AddressEvaluator a && a.exactDestination().isPresent()) {
                dst = a.exactDestination();
            } else if (m instanceof ProtocolEvaluator p && p.number() > 0) {
                proto = p.number();
            } else if (m instanceof PortEvaluator port && port.exactDestinationPort() >= 0 && port.proto() == proto
                    && dst.isPresent()) {
                return Optional.of(new Key(dst.get().hi(), dst.get().lo(), proto, port.exactDestinationPort()));
            }
            if (!m.pure()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    int[] candidates(Packet packet) {
        if (!packet.hasPorts()) {
            return wild;
        }
        int[] hit = byKey.get(new Key(packet.dst().hi(), packet.dst().lo(), packet.proto(), packet.dport()));
        return hit == null ? wild : hit;
    }
}
