package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.util.AnswerSlots;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbers a compiled ruleset gives its rules (0, 1, 2, ... in compilation order), so per-rule counters can be
 * array slots; numbers are only handed out while the ruleset compiles. It also shares one {@link HitList} among walks
 * that hit the same rules, so the many flows that take one path keep (and their commits read) one list.
 */
final class RuleNumbering {
    /** At most this many distinct hit lists are shared; past them, newer lists replace older ones. */
    static final int MAX_SHARED = 1 << 14;

    private final List<RuleRef> refs = new ArrayList<>();
    private final HitList none = HitList.empty(this);
    private final AnswerSlots<HitList> shared = new AnswerSlots<>(MAX_SHARED);

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

    /**
     * The shared list of the hits {@code hits} collected: one kept from an earlier walk, else a new one (then kept).
     * Walks of this ruleset may run on several threads at once: lists are immutable, slots hold whole lists.
     */
    HitList share(HitList.Builder hits) {
        int hash = hits.hash();
        for (int probe = 0; probe < AnswerSlots.PROBES && !shared.emptyAt(hash, probe); probe++) {
            HitList known = shared.at(hash, probe);
            if (known != null && hits.sameAs(known)) {
                return known;
            }
        }
        HitList made = hits.buildOwn();
        shared.keep(hash, made);
        return made;
    }
}
