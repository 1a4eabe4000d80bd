package io.pktpath.core.rules;

import io.pktpath.core.netfilter.LegacyTables;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.CounterSnapshots;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-rule hits of a replay beside the dump's own counter deltas, the rules the replay never hit and the rules an
 * earlier rule of the same chain shadows; rows are in ruleset order (family, table, chain, policy first, then rules),
 * a family's iptables-legacy ruleset (replayed beside iptables-nft's) after its main one, its tables named
 * {@code legacy <table>}, then the native nftables chains the replay translated (named as nft names them, with the
 * replay's hits and no kernel counters).
 */
public record RuleReport(List<RuleUsage> rows, List<ShadowedRule> shadowed, boolean replayed, boolean kernelCounters,
                         List<String> notes) {
    public RuleReport {
        rows = List.copyOf(rows);
        shadowed = List.copyOf(shadowed);
        notes = List.copyOf(notes);
    }

    /** The report for a bundle's rulesets, with the replay's hits when a capture was replayed. */
    public static RuleReport of(Bundle bundle, Optional<RuleHits> hits) {
        List<RuleUsage> rows = new ArrayList<>();
        List<ShadowedRule> shadowed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean kernel = false;
        for (IpFamily family : List.of(IpFamily.V4, IpFamily.V6)) {
            Optional<Ruleset> ruleset = bundle.ruleset(family);
            if (ruleset.isPresent()) {
                Deltas deltas = Deltas.of(bundle.counters(family), family, notes, "", !bundle.listings(family).isEmpty());
                kernel |= deltas.present();
                List<ShadowedRule> mine = Shadowing.find(ruleset.get());
                shadowed.addAll(mine);
                rows(ruleset.get(), hits, deltas, mine, rows, "");
            }
            Optional<Ruleset> legacy = bundle.legacy().ruleset(family);
            if (legacy.isPresent()) {
                Deltas legacyDeltas = Deltas.of(bundle.legacy().counters(family), family, notes, LegacyTables.PREFIX,
                        false);
                kernel |= legacyDeltas.present();
                List<ShadowedRule> legacyShadowed = Shadowing.find(legacy.get()).stream()
                        .map(s -> new ShadowedRule(labelled(s.rule()), labelled(s.by()), s.why())).toList();
                shadowed.addAll(legacyShadowed);
                rows(legacy.get(), hits, legacyDeltas, legacyShadowed, rows, LegacyTables.PREFIX);
            }
            Ruleset nft = bundle.nftReplay().ruleset(family);
            if (!nft.tables().isEmpty()) {
                rows(nft, hits, Deltas.NONE, List.of(), rows, "");
            }
        }
        if (!bundle.nftReplay().isEmpty()) {
            notes.add("the native nftables chains replayed from " + bundle.nftRuleset().map(r -> r.file()).orElse("the nft "
                    + "listing") + " are listed with the replay's hits only: one nft listing holds no counters of this "
                    + "capture alone");
        }
        return new RuleReport(rows, shadowed, hits.isPresent(), kernel, notes);
    }

    private static RuleRef labelled(RuleRef r) {
        return new RuleRef(r.family(), LegacyTables.PREFIX + r.table(), r.chain(), r.position(), r.span(), r.text());
    }

    private static void rows(Ruleset ruleset, Optional<RuleHits> hits, Deltas deltas, List<ShadowedRule> shadowed,
                             List<RuleUsage> out, String label) {
        int family = ruleset.family().number();
        Map<RuleRef, ShadowedRule> byRule = new HashMap<>();
        shadowed.forEach(s -> byRule.put(s.rule(), s));
        // a native nft rule the replay runs as several translated rules (a set, a verdict map) is one row
        java.util.Set<RuleRef> listed = new java.util.HashSet<>();
        for (Table table : ruleset.tables()) {
            String name = label + table.name();
            for (Chain chain : table.chains()) {
                if (chain.builtin()) {
                    Counters replayed = hits.map(h -> h.policy(family, name, chain.name())).orElse(Counters.ZERO);
                    out.add(new RuleUsage(family, name, chain.name(), 0, Optional.empty(), replayed,
                            deltas.policy(table.name(), chain.name()), Optional.empty()));
                }
                for (Rule rule : chain.rules()) {
                    RuleRef plain = ref(family, rule);
                    RuleRef ref = label.isEmpty() ? plain : labelled(plain);
                    if (!listed.add(ref)) {
                        continue;
                    }
                    Counters replayed = hits.map(h -> h.rule(ref)).orElse(Counters.ZERO);
                    out.add(new RuleUsage(family, name, chain.name(), rule.position(), Optional.of(ref), replayed,
                            deltas.rule(table.name(), chain.name(), rule), Optional.ofNullable(byRule.get(ref))));
                }
            }
        }
    }

    /** The reference the replay uses for a rule of a ruleset. */
    static RuleRef ref(int family, Rule rule) {
        return new RuleRef(family, rule.table(), rule.chain(), rule.position(), rule.span(), rule.text());
    }

    /** Rules (not policies) the replay never hit; empty when nothing was replayed. */
    public List<RuleUsage> neverHit() {
        if (!replayed) {
            return List.of();
        }
        return rows.stream().filter(r -> !r.isPolicy() && r.replayed().packets() == 0).toList();
    }

    /** Rows where the replay and the dump's counters disagree. */
    public List<RuleUsage> disagreements() {
        return rows.stream().filter(RuleUsage::disagrees).toList();
    }

    /** The dump's counter deltas of one family, by place; absent when the before/after dumps are not both there. */
    private record Deltas(Optional<Ruleset> before, Optional<Ruleset> after, List<String> notes, String label) {
        /** No kernel counters to compare with (the native nft chains). */
        static final Deltas NONE = new Deltas(Optional.empty(), Optional.empty(), List.of(), "");

        /**
         * The deltas of {@code snaps}; {@code label} is how the notes name its tables ({@code "legacy "} or none),
         * {@code listings} whether the snapshot is the family's -nvL listings.
         */
        static Deltas of(CounterSnapshots snaps, IpFamily family, List<String> notes, String label, boolean listings) {
            if (snaps.after().isPresent() && snaps.before().isEmpty()) {
                notes.add("only " + (listings ? "the -nvL listings' counters" : "an 'after' " + (label.isEmpty()
                        ? "iptables-save" : "iptables-legacy-save") + " -c dump") + " for " + family + ": "
                        + (listings ? "their" : "its") + " counters are totals since the rules were loaded, not this"
                        + " capture's; not compared");
            }
            return snaps.before().isPresent() && snaps.after().isPresent()
                    ? new Deltas(snaps.before(), snaps.after(), notes, label)
                    : new Deltas(Optional.empty(), Optional.empty(), notes, label);
        }

        boolean present() {
            return after.isPresent();
        }

        Optional<Counters> policy(String table, String chain) {
            Optional<Chain> a = chain(after, table, chain);
            Optional<Chain> b = chain(before, table, chain);
            if (a.isEmpty() || b.isEmpty()) {
                return Optional.empty();
            }
            return delta(a.get().counters(), b.get().counters(), label + table + " " + chain + " policy");
        }

        Optional<Counters> rule(String table, String chain, Rule rule) {
            Optional<Rule> a = chain(after, table, chain).flatMap(c -> c.rule(rule.position()));
            Optional<Rule> b = chain(before, table, chain).flatMap(c -> c.rule(rule.position()));
            if (a.isEmpty() || b.isEmpty() || !a.get().text().equals(rule.text()) || !b.get().text().equals(rule.text())) {
                return Optional.empty();
            }
            return delta(a.get().counters().orElse(Counters.ZERO), b.get().counters().orElse(Counters.ZERO),
                    label + table + " " + chain + " #" + rule.position());
        }

        private Optional<Counters> delta(Counters after, Counters before, String what) {
            if (after.packets() < before.packets() || after.bytes() < before.bytes()) {
                notes.add(what + ": counters went down between the before and after dumps (reset or rules reloaded);"
                        + " not compared");
                return Optional.empty();
            }
            return Optional.of(new Counters(after.packets() - before.packets(), after.bytes() - before.bytes()));
        }

        private static Optional<Chain> chain(Optional<Ruleset> r, String table, String chain) {
            return r.flatMap(x -> x.table(table)).flatMap(t -> t.chain(chain));
        }
    }
}
