package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.IndexKeys.Key;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An index over a long chain of kube-proxy-like rules: a rule keyed by {@link IndexKeys} (an exact destination, or any
 * destination, with a protocol and destination port) is a candidate only for packets of its keys, all other rules
 * ("wild") for every packet. A packet's candidates are the union, in rule order, of the rules keyed by its exact
 * (destination, protocol, port), those keyed by its (protocol, port) alone and the wild rules, so a walk over them
 * equals a linear walk (misses aside, which is why the walker scans linearly when misses are collected).
 */
final class ChainIndex {
    /** Chains shorter than this are scanned linearly. */
    static final int MIN_RULES = 16;
    /** An index is built only when at most this many rules could match anything. */
    static final int MAX_WILD = 64;
    /** Rules of an any-destination key shared by more rules than this are treated as wild. */
    static final int MAX_SHARED_PORT = 64;

    private final Map<Key, int[]> exact;
    /** The exact keys packed (IPv4), when all of them pack; then {@link #exact} is empty. */
    private final PackedKeys packed;
    private final int packedCount;
    /** The any-destination keys packed (every one packs), or null when there are none. */
    private final PackedKeys anyDestination;
    private final int anyDestinationCount;
    private final int[] wild;
    /**
     * True for a chain whose keyed rules all test an exact destination and no port: its exact keys are
     * {@link Key#destination} keys (protocol and port 0), looked up by the packet's destination alone.
     */
    private final boolean byDestination;

    private ChainIndex(Map<Key, int[]> exact, Map<Key, int[]> anyDestination, int[] wild, boolean byDestination) {
        this.byDestination = byDestination;
        boolean pack = !exact.isEmpty() && exact.keySet().stream().allMatch(PackedKeys::packable);
        this.packed = new PackedKeys(pack ? exact : Map.of());
        this.packedCount = pack ? exact.size() : 0;
        this.exact = pack ? Map.of() : exact;
        this.anyDestination = anyDestination.isEmpty() ? null : new PackedKeys(anyDestination);
        this.anyDestinationCount = anyDestination.size();
        this.wild = wild;
    }

    static Optional<ChainIndex> build(CompiledRule[] rules) {
        if (rules.length < MIN_RULES) {
            return Optional.empty();
        }
        List<List<Key>> keys = new ArrayList<>(rules.length);
        Map<Key, Integer> shared = new HashMap<>();
        for (CompiledRule rule : rules) {
            List<Key> k = IndexKeys.of(rule);
            keys.add(k);
            k.stream().filter(Key::anyDst).forEach(x -> shared.merge(x, 1, Integer::sum));
        }
        // destination keys index a chain only when no rule of it has a port key; in a chain with port keys they are wild
        boolean portKeys = keys.stream().anyMatch(k -> !k.isEmpty() && !k.get(0).destinationOnly());
        Map<Key, List<Integer>> exactLists = new HashMap<>();
        Map<Key, List<Integer>> anyLists = new HashMap<>();
        List<Integer> wildList = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            List<Key> k = keys.get(i);
            if (k.isEmpty() || portKeys && k.get(0).destinationOnly()
                    || k.stream().anyMatch(x -> x.anyDst() && shared.get(x) > MAX_SHARED_PORT)) {
                wildList.add(i);
                if (wildList.size() > MAX_WILD) {
                    return Optional.empty();
                }
                continue;
            }
            for (Key x : k) {
                (x.anyDst() ? anyLists : exactLists).computeIfAbsent(x, y -> new ArrayList<>(1)).add(i);
            }
        }
        if (exactLists.isEmpty() && anyLists.isEmpty()) {
            return Optional.empty();
        }
        int[] wild = ints(wildList);
        Map<Key, int[]> any = new HashMap<>(anyLists.size() * 2);
        for (Map.Entry<Key, List<Integer>> e : anyLists.entrySet()) {
            any.put(e.getKey(), union(ints(e.getValue()), wild));
        }
        Map<Key, int[]> exact = new HashMap<>(exactLists.size() * 2);
        for (Map.Entry<Key, List<Integer>> e : exactLists.entrySet()) {
            int[] samePort = any.getOrDefault(e.getKey().withAnyDestination(), wild);
            exact.put(e.getKey(), union(ints(e.getValue()), samePort));
        }
        return Optional.of(new ChainIndex(exact, any, wild, !portKeys));
    }

    private static int[] ints(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** The ascending union of two ascending arrays. */
    static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int next = j == b.length || i < a.length && a[i] <= b[j] ? a[i] : b[j];
            if (i < a.length && a[i] == next) {
                i++;
            }
            if (j < b.length && b[j] == next) {
                j++;
            }
            out[n++] = next;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * The positions (ascending) of the rules that can match this packet, in an array valid until the next call (see
     * {@link PackedKeys}).
     */
    int[] candidates(Packet packet) {
        if (!byDestination && !packet.hasPorts()) {
            return wild;
        }
        // a destination index's keys carry protocol and port 0, whatever the packet's
        int proto = byDestination ? 0 : packet.proto();
        int port = byDestination ? 0 : packet.dport();
        if (packedCount > 0) {
            int[] hit = packed.get(packet.dst().hi(), packet.dst().lo(), proto, port);
            if (hit != null) {
                return hit;
            }
        } else if (!exact.isEmpty()) {
            int[] hit = exact.get(Key.exact(packet.dst(), proto, port));
            if (hit != null) {
                return hit;
            }
        }
        if (anyDestination != null) {
            int[] hit = anyDestination.get(0, 0, proto, port);
            if (hit != null) {
                return hit;
            }
        }
        return wild;
    }

    /** How many exact and any-destination keys the index holds (for tests). */
    int[] keyCounts() {
        return new int[] {exact.size() + packedCount, anyDestinationCount};
    }
}
