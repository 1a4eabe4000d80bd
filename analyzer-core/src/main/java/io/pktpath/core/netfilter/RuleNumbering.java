package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The numbers a compiled ruleset gives its rules (0, 1, 2, ... in compilation order), so per-rule counters can be
 * array slots; numbers are only handed out while the ruleset compiles. It also shares one {@link HitList} among walks
 * that hit the same rules, so the many flows that take one path keep (and their commits read) one list.
 */
final class RuleNumbering {
    /** At most this many distinct hit lists are shared; later ones are kept by their walks alone. */
    static final int MAX_SHARED = 1 << 14;

    private final List<RuleRef> refs = new ArrayList<>();
    private final HitList none = HitList.empty(this);
    private final Map<HitList.Numbers, HitList> shared = new ConcurrentHashMap<>();

    /** Numbers the next rule. */
    int add(RuleRef ref) {
        refs.add(ref);
        return refs.size() - 1;
    }

    RuleRef ref(int number) {
        return refs.get(number);
    }

    int size() {
        return refs.size();
    }

    /** The shared empty hit list. */
    HitList none() {
        return none;
    }

    /** The shared list equal to {@code hits} (walks of this ruleset may run on several threads at once). */
    HitList share(HitList hits) {
        if (hits.isEmpty()) {
            return none;
        }
        HitList known = shared.get(hits.numbers());
        if (known != null) {
            return known;
        }
        if (shared.size() >= MAX_SHARED) {
            return hits;
        }
        known = shared.putIfAbsent(hits.numbers(), hits);
        return known == null ? hits : known;
    }
}
