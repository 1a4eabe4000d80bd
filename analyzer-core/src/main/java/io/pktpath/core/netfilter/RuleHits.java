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

    /** Counters of hits reported without rule numbers (lists made outside a compiled walk). */
    private final Map<RuleRef, long[]> rules = new HashMap<>();
    /** Counters by rule number, {packets, bytes} at {@code 2n, 2n+1}, per ruleset numbering. */
    private final Map<RuleNumbering, long[]> numbered = new java.util.IdentityHashMap<>();
    private RuleNumbering lastNumbering;
    private long[] lastCounters;
    /** Every counter by rule, made when asked for after a commit. */
    private Map<RuleRef, long[]> merged;
    private final Map<ChainKey, long[]> policies = new HashMap<>();
    /** The same policy counters by family, then by the walks' own table and chain name strings (no key to make). */
    private final Map<String, Map<String, long[]>> policiesV4 = new java.util.IdentityHashMap<>();
    private final Map<String, Map<String, long[]>> policiesV6 = new java.util.IdentityHashMap<>();

    /**
     * The table results of each form ({@link #commitForm}) by form and family ({@code 2 * form} for family 4, plus one
     * for family 6: the slot's parity is its family), set when the slot is first counted.
     */
    private List<TableResult>[] formTables = newFormTables(0);
    /** The packets and bytes counted per form slot and not yet folded into the counters, at {@code 2s, 2s+1}. */
    private long[] formCounts = new long[0];
    /** Whether some form slot holds counts not yet folded. */
    private boolean formsPending;

    /** Counts a committed walk: every rule that matched, and the policy when it applied. */
    public void commit(TableResult result, int family) {
        commit(result, family, result.bytes());
    }

    /** Counts a committed walk for a packet of {@code bytes} bytes (a walk another packet of the same flow made). */
    public void commit(TableResult result, int family, long bytes) {
        count(result, family, 1, bytes);
    }

    /**
     * Counts a packet of {@code bytes} bytes and family {@code family} that committed every table result of
     * {@code tables}, a form numbered {@code form} (0 or more) by the caller, which passes the same list with every
     * number: what {@link #commit} of each result would count, kept as one packet and byte count per form and family
     * and added to the rules' and policies' counters when they are next read (the counts are sums, so the order in
     * which they are added changes nothing). For the many packets that commit one shared list again and again; a
     * family other than 4 and 6 is counted table by table at once.
     */
    public void commitForm(int form, List<TableResult> tables, int family, long bytes) {
        if (family != 4 && family != 6) {
            // a form's slots are kept for the two IP families only
            for (int i = 0; i < tables.size(); i++) {
                commit(tables.get(i), family, bytes);
            }
            return;
        }
        int slot = 2 * form + (family == 4 ? 0 : 1);
        if (slot >= formTables.length) {
            int size = Math.max(2 * slot + 2, 16);
            formTables = java.util.Arrays.copyOf(formTables, size);
            formCounts = java.util.Arrays.copyOf(formCounts, 2 * size);
        }
        if (formTables[slot] == null) {
            formTables[slot] = tables;
        }
        formCounts[2 * slot]++;
        formCounts[2 * slot + 1] += bytes;
        formsPending = true;
    }

    @SuppressWarnings("unchecked")
    private static List<TableResult>[] newFormTables(int size) {
        return (List<TableResult>[]) new List<?>[size];
    }

    /** Adds the counts kept per form to the rules' and policies' counters. */
    private void foldForms() {
        if (!formsPending) {
            return;
        }
        formsPending = false;
        for (int slot = 0; slot < formTables.length; slot++) {
            long packets = formCounts[2 * slot];
            if (packets == 0) {
                continue;
            }
            long bytes = formCounts[2 * slot + 1];
            formCounts[2 * slot] = 0;
            formCounts[2 * slot + 1] = 0;
            List<TableResult> tables = formTables[slot];
            int family = slot % 2 == 0 ? 4 : 6;
            for (int i = 0; i < tables.size(); i++) {
                count(tables.get(i), family, packets, bytes);
            }
        }
    }

    /** Counts {@code packets} packets of {@code bytes} bytes in all that each committed {@code result}. */
    private void count(TableResult result, int family, long packets, long bytes) {
        List<RuleRef> hit = result.hits();
        if (hit instanceof HitList numberedHits) {
            countNumbered(numberedHits, packets, bytes);
        } else {
            for (int i = 0; i < hit.size(); i++) {
                add(rules.computeIfAbsent(hit.get(i), k -> new long[2]), packets, bytes);
            }
        }
        if (!hit.isEmpty()) {
            merged = null;
        }
        if (result.policyApplied()) {
            Map<String, long[]> byChain = (family == 4 ? policiesV4 : policiesV6)
                    .computeIfAbsent(result.table(), t -> new java.util.IdentityHashMap<>());
            long[] counter = byChain.get(result.chain());
            if (counter == null) {
                counter = policies.computeIfAbsent(new ChainKey(family, result.table(), result.chain()), k -> new long[2]);
                byChain.put(result.chain(), counter);
            }
            add(counter, packets, bytes);
        }
    }

    private void countNumbered(HitList hit, long packets, long bytes) {
        int n = hit.size();
        if (n == 0) {
            return;
        }
        RuleNumbering numbering = hit.numbering();
        long[] counters = lastCounters;
        if (numbering != lastNumbering) {
            counters = numbered.computeIfAbsent(numbering, k -> new long[2 * k.size()]);
            lastNumbering = numbering;
            lastCounters = counters;
        }
        for (int i = 0; i < n; i++) {
            int at = 2 * hit.number(i);
            counters[at] += packets;
            counters[at + 1] += bytes;
        }
    }

    private static void add(long[] counter, long packets, long bytes) {
        counter[0] += packets;
        counter[1] += bytes;
    }

    /** The counters of one rule (zero when never hit). */
    public Counters rule(RuleRef rule) {
        long[] c = merged().get(rule);
        return c == null ? Counters.ZERO : new Counters(c[0], c[1]);
    }

    /** The policy counters of a built-in chain (zero when the policy never applied). */
    public Counters policy(int family, String table, String chain) {
        foldForms();
        long[] c = policies.get(new ChainKey(family, table, chain));
        return c == null ? Counters.ZERO : new Counters(c[0], c[1]);
    }

    /** Every counter by rule: the unnumbered ones plus every numbered rule hit at least once (equal refs summed). */
    private Map<RuleRef, long[]> merged() {
        foldForms();
        if (merged == null) {
            Map<RuleRef, long[]> all = new HashMap<>();
            rules.forEach((ref, c) -> all.put(ref, c.clone()));
            numbered.forEach((numbering, counters) -> {
                for (int n = 0; n < numbering.size(); n++) {
                    if (counters[2 * n] != 0) {
                        long[] c = all.computeIfAbsent(numbering.ref(n), k -> new long[2]);
                        c[0] += counters[2 * n];
                        c[1] += counters[2 * n + 1];
                    }
                }
            });
            merged = all;
        }
        return merged;
    }

    /** Every rule hit at least once, in (family, table, chain, position) order. */
    public List<RuleRef> hitRules() {
        return merged().keySet().stream().sorted(Comparator.comparingInt(RuleRef::family).thenComparing(RuleRef::table)
                .thenComparing(RuleRef::chain).thenComparingInt(RuleRef::position)).toList();
    }
}
