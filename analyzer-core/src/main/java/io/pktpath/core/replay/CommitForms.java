package io.pktpath.core.replay;

import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.trace.RuleRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one list of table results among remembered suffixes whose commits do the same thing (the same rules hit, the
 * same policies applied, no rule state changed), so that the commit of an established packet reads table results
 * that many flows use, and are in the cache, instead of its own flow's copies; each form has a number, under which
 * the rule counters count its commits at once ({@link io.pktpath.core.netfilter.RuleHits#commitForm}).
 */
final class CommitForms {
    /** At most this many distinct forms are shared; suffixes of later forms keep their own lists. */
    static final int MAX_FORMS = 1 << 10;

    /**
     * What committing a list of table results does when the bytes counted are the packet's own (as for every reuse):
     * per table, the rules it hit (with the list's kind, numbered or not) and whether its chain's policy applied. Its
     * hash reads only what is cheap (each rule's position and chain, whose string hashes are cached); equality compares
     * everything, rules first by identity (a walk reports the compiled rules' own references).
     */
    private static final class Form {
        private final List<TableResult> tables;
        private final int hash;

        Form(List<TableResult> tables) {
            this.tables = tables;
            this.hash = hashOf(tables);
        }

        private static int hashOf(List<TableResult> tables) {
            int h = tables.size();
            for (int i = 0; i < tables.size(); i++) {
                TableResult t = tables.get(i);
                h = h * 31 + t.hook().ordinal();
                h = h * 31 + t.table().hashCode();
                h = h * 31 + t.chain().hashCode();
                h = h * 31 + (t.policyApplied() ? 1 : 0);
                List<RuleRef> hits = t.hits();
                h = h * 31 + hits.size();
                for (int j = 0; j < hits.size(); j++) {
                    RuleRef r = hits.get(j);
                    h = h * 31 + r.position() * 17 + r.chain().hashCode();
                }
            }
            return h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Form f) || f.hash != hash || f.tables.size() != tables.size()) {
                return false;
            }
            for (int i = 0; i < tables.size(); i++) {
                if (!commitsAlike(tables.get(i), f.tables.get(i))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean commitsAlike(TableResult a, TableResult b) {
            if (a.hook() != b.hook() || a.policyApplied() != b.policyApplied() || !a.table().equals(b.table())
                    || !a.chain().equals(b.chain()) || a.hits().getClass() != b.hits().getClass()) {
                return false;
            }
            List<RuleRef> x = a.hits();
            List<RuleRef> y = b.hits();
            if (x.size() != y.size()) {
                return false;
            }
            for (int j = 0; j < x.size(); j++) {
                if (x.get(j) != y.get(j) && !x.get(j).equals(y.get(j))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A list of table results as a suffix keeps it: the shared list of its form with the form's number (0 onwards, in
     * the order the forms were first met), or its own list with {@link Commit#NO_FORM} when it was not shared.
     */
    record Shared(List<TableResult> tables, int form) {
    }

    private final Map<Form, Shared> forms = new HashMap<>();

    /**
     * The shared list that commits as {@code tables} does (its first holder's copy) with its form's number, or
     * {@code tables} itself with {@link Commit#NO_FORM} when it changes rule state or the forms are full.
     */
    Shared shared(List<TableResult> tables) {
        for (int i = 0; i < tables.size(); i++) {
            if (!tables.get(i).stateUpdates().isEmpty()) {
                return new Shared(tables, Commit.NO_FORM);
            }
        }
        Shared known = forms.get(new Form(tables));
        if (known != null) {
            return known;
        }
        if (forms.size() < MAX_FORMS) {
            Shared own = new Shared(List.copyOf(tables), forms.size());
            forms.put(new Form(own.tables()), own);
            return own;
        }
        return new Shared(tables, Commit.NO_FORM);
    }

    /** How many forms are shared. */
    int size() {
        return forms.size();
    }
}
