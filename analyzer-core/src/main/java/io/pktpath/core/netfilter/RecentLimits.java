package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.RecentMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sizes of a node's {@code xt_recent} lists as the kernel sets them: a list is one table per {@code --name} in the
 * network namespace, whichever family's rules use it, holding at most {@link #ADDRESSES_PER_LIST} addresses and, per
 * address, the hit times of the largest need among those rules ({@code roundup_pow_of_two(--hitcount)}, 32 for a rule
 * without {@code --hitcount}, with the module's default {@code ip_pkt_list_tot=0}).
 *
 * @param stampsPerAddress hit times kept per address, by list name (lists no rule names are absent)
 */
public record RecentLimits(Map<String, Integer> stampsPerAddress) {
    /** {@code ip_list_tot}: the module's default number of addresses per list; a new one drops the least recently hit. */
    public static final int ADDRESSES_PER_LIST = 100;
    /** Hit times kept per address for a rule without {@code --hitcount} (the kernel's {@code nstamp_mask} 31). */
    static final int STAMPS_WITHOUT_HITCOUNT = 32;
    /** No rule known: each rule's own need decides. */
    public static final RecentLimits NONE = new RecentLimits(Map.of());

    public RecentLimits {
        stampsPerAddress = Map.copyOf(stampsPerAddress);
    }

    /** The limits the rules of both families set together (xt_recent shares a list name across families). */
    public static RecentLimits of(Optional<Ruleset> rules4, Optional<Ruleset> rules6) {
        Map<String, Integer> out = new TreeMap<>();
        for (Optional<Ruleset> rules : List.of(rules4, rules6)) {
            rules.ifPresent(rs -> rs.tables().forEach(t -> t.rules().forEach(r -> add(r, out))));
        }
        return out.isEmpty() ? NONE : new RecentLimits(out);
    }

    private static void add(Rule rule, Map<String, Integer> out) {
        for (RecentMatch m : rule.matches(RecentMatch.class)) {
            String list = m.name().map(n -> n.value().text()).orElse("DEFAULT");
            out.merge(list, stamps(m.hitcount().map(h -> h.value().value()).orElse(0L)), Math::max);
        }
    }

    /** The hit times a rule with this {@code --hitcount} (0: none) needs the kernel to keep per address. */
    static int stamps(long hitcount) {
        if (hitcount <= 0) {
            return STAMPS_WITHOUT_HITCOUNT;
        }
        return Integer.highestOneBit((int) Math.min(hitcount, 256) * 2 - 1);
    }

    /** The hit times kept per address of {@code list}; 0 when no rule of the node names it. */
    int stamps(String list) {
        return stampsPerAddress.getOrDefault(list, 0);
    }
}
