package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Counters;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packet and byte counts per rule and per built-in chain policy, accumulated from the walks the orchestrator commits,
 * in the units of {@code iptables-save -c} ({@code [packets:bytes]}, bytes = IP total length).
 */
public final class RuleHits {
    /** A chain of a family's table, for policy counters. */
    public record ChainKey(int family, String table, String chain) {
    }

    private final Map<RuleRef, long[]> rules = new HashMap<>();
    /** The same counters by reference: walks report the compiled rules' own {@code RuleRef}s, found here without hashing their fields. */
    private final Map<RuleRef, long[]> byReference = new java.util.IdentityHashMap<>();
    private final Map<ChainKey, long[]> policies = new HashMap<>();
    /** The same policy counters by family, then by the walks' own table and chain name strings (no key to make). */
    private final Map<String, Map<String, long[]>> policiesV4 = new java.util.IdentityHashMap<>();
    private final Map<String, Map<String, long[]>> policiesV6 = new java.util.IdentityHashMap<>();

    /** Counts a committed walk: every rule that matched, and the policy when it applied. */
    public void commit(TableResult result, int family) {
        commit(result, family, result.bytes());
    }

    /** Counts a committed walk for a packet of {@code bytes} bytes (a walk another packet of the same flow made). */
    public void commit(TableResult result, int family, long bytes) {
        List<RuleRef> hit = result.hits();
        for (int i = 0; i < hit.size(); i++) {
            RuleRef rule = hit.get(i);
            long[] counter = byReference.get(rule);
            if (counter == null) {
                counter = rules.computeIfAbsent(rule, k -> new long[2]);
                byReference.put(rule, counter);
            }
            add(counter, bytes);
        }
        if (result.policyApplied()) {
            Map<String, long[]> byChain = (family == 4 ? policiesV4 : policiesV6)
                    .computeIfAbsent(result.table(), t -> new java.util.IdentityHashMap<>());
            long[] counter = byChain.get(result.chain());
            if (counter == null) {
                counter = policies.computeIfAbsent(new ChainKey(family, result.table(), result.chain()), k -> new long[2]);
                byChain.put(result.chain(), counter);
            }
            add(counter, bytes);
        }
    }

    private static void add(long[] counter, long bytes) {
        counter[0]++;
        counter[1] += bytes;
    }

    /** The counters of one rule (zero when never hit). */
    public Counters rule(RuleRef rule) {
        long[] c = rules.get(rule);
        return c == null ? Counters.ZERO : new Counters(c[0], c[1]);
    }

    /** The policy counters of a built-in chain (zero when the policy never applied). */
    public Counters policy(int family, String table, String chain) {
        long[] c = policies.get(new ChainKey(family, table, chain));
        return c == null ? Counters.ZERO : new Counters(c[0], c[1]);
    }

    /** Every rule hit at least once, in (family, table, chain, position) order. */
    public List<RuleRef> hitRules() {
        return rules.keySet().stream().sorted(Comparator.comparingInt(RuleRef::family).thenComparing(RuleRef::table)
                .thenComparing(RuleRef::chain).thenComparingInt(RuleRef::position)).toList();
    }
}
