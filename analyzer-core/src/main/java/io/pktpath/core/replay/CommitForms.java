package io.pktpath.core.replay;

import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one list of table results among remembered suffixes whose commits do the same thing (the same rules hit, the
 * same policies applied, no rule state changed), so that the commit of an established packet reads table results
 * that many flows use, and are in the cache, instead of its own flow's copies.
 */
final class CommitForms {
    /** At most this many distinct forms are shared; suffixes of later forms keep their own lists. */
    static final int MAX_FORMS = 1 << 10;

    /**
     * What committing one table result does when the bytes counted are the packet's own (as for every reuse): the
     * rules it hit (with the list's kind, numbered or not) and whether its chain's policy applied.
     */
    private record TableForm(Hook hook, String table, String chain, boolean policyApplied, Class<?> hitsKind,
                             List<RuleRef> hits) {
    }

    private final Map<List<TableForm>, List<TableResult>> forms = new HashMap<>();

    /**
     * The shared list that commits as {@code tables} does (its first holder's), or {@code tables} itself when it is the
     * first of its form or the forms are full; {@code tables} must change no rule state.
     */
    List<TableResult> shared(List<TableResult> tables) {
        List<TableForm> form = new ArrayList<>(tables.size());
        for (TableResult t : tables) {
            if (!t.stateUpdates().isEmpty()) {
                return tables;
            }
            form.add(new TableForm(t.hook(), t.table(), t.chain(), t.policyApplied(), t.hits().getClass(), t.hits()));
        }
        List<TableResult> known = forms.get(form);
        if (known != null) {
            return known;
        }
        if (forms.size() < MAX_FORMS) {
            forms.put(List.copyOf(form), List.copyOf(tables));
        }
        return tables;
    }

    /** How many forms are shared. */
    int size() {
        return forms.size();
    }
}
