package io.pktpath.core.verify;

import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares per-rule and per-policy hit counts: the kernel's counter deltas between the {@code iptables-save -c} dumps
 * taken before and after the traffic, against the walks pktpath committed, keyed by table, chain and position (an
 * iptables-legacy ruleset's tables as the replay names them, {@code legacy filter}).
 */
final class HitComparer {
    /** What was compared and where the counts differ. */
    record Result(int compared, int equal, List<HitDifference> differences, List<String> notes) {
        Result {
            differences = List.copyOf(differences);
            notes = List.copyOf(notes);
        }
    }

    private HitComparer() {
    }

    static Result compare(Ruleset before, Ruleset after, RuleHits hits) {
        return compare(before, after, hits, "");
    }

    /** As {@link #compare(Ruleset, Ruleset, RuleHits)}, for dumps whose tables the replay names {@code label + table}. */
    static Result compare(Ruleset before, Ruleset after, RuleHits hits, String label) {
        int family = after.family().number();
        Map<String, RuleRef> hitByPlace = new HashMap<>();
        for (RuleRef r : hits.hitRules()) {
            if (r.family() == family) {
                hitByPlace.put(place(r.table(), r.chain(), r.position()), r);
            }
        }
        List<HitDifference> diffs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int compared = 0;
        for (Table table : after.tables()) {
            String name = label + table.name();
            for (Chain chain : table.chains()) {
                Optional<Chain> old = before.table(table.name()).flatMap(t -> t.chain(chain.name()));
                if (old.isEmpty()) {
                    notes.add("chain " + name + " " + chain.name() + " is not in the before dump: not compared");
                    continue;
                }
                if (chain.builtin() && wentDown(chain.counters(), old.get().counters())) {
                    notes.add(name + " " + chain.name() + " policy: counters went down between the before and after dumps"
                            + " (reset or rules reloaded): not compared");
                } else if (chain.builtin()) {
                    compared++;
                    Counters k = delta(chain.counters(), old.get().counters());
                    Counters p = hits.policy(family, name, chain.name());
                    add(diffs, family, name, chain.name(), 0, "", k, p);
                }
                for (Rule rule : chain.rules()) {
                    Optional<Rule> was = old.get().rule(rule.position());
                    if (was.isEmpty() || !was.get().text().equals(rule.text())) {
                        notes.add(name + " " + chain.name() + " #" + rule.position()
                                + " differs between the before and after dumps: not compared");
                        continue;
                    }
                    if (wentDown(rule.counters().orElse(Counters.ZERO), was.get().counters().orElse(Counters.ZERO))) {
                        notes.add(name + " " + chain.name() + " #" + rule.position() + ": counters went down between the"
                                + " before and after dumps (reset or rules reloaded): not compared");
                        continue;
                    }
                    compared++;
                    Counters k = delta(rule.counters().orElse(Counters.ZERO), was.get().counters().orElse(Counters.ZERO));
                    RuleRef ref = hitByPlace.get(place(name, chain.name(), rule.position()));
                    Counters p = ref == null ? Counters.ZERO : hits.rule(ref);
                    add(diffs, family, name, chain.name(), rule.position(), rule.text(), k, p);
                }
            }
        }
        return new Result(compared, compared - diffs.size(), diffs, notes);
    }

    private static void add(List<HitDifference> diffs, int family, String table, String chain, int position,
                            String text, Counters kernel, Counters pktpath) {
        if (kernel.packets() != pktpath.packets() || kernel.bytes() != pktpath.bytes()) {
            diffs.add(new HitDifference(family, table, chain, position, text, kernel.packets(), kernel.bytes(),
                    pktpath.packets(), pktpath.bytes()));
        }
    }

    private static boolean wentDown(Counters after, Counters before) {
        return after.packets() < before.packets() || after.bytes() < before.bytes();
    }

    private static Counters delta(Counters after, Counters before) {
        return new Counters(after.packets() - before.packets(), after.bytes() - before.bytes());
    }

    private static String place(String table, String chain, int position) {
        return table + ' ' + chain + ' ' + position;
    }
}
