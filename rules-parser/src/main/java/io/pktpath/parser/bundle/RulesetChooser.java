package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Parses the iptables-save dumps of a bundle and chooses per family the ruleset (a plain dump, preferring a name with
 * "save", then the most rules) and the counter snapshots (name words "before"/"after" first; else the dump with the
 * lower rule counter total is "before" and the higher one "after"; a single unnamed snapshot is "after").
 */
final class RulesetChooser {
    private final List<Candidate<Ruleset>> plain = new ArrayList<>();
    private final List<Candidate<Ruleset>> counted = new ArrayList<>();
    private final Selection selection;
    private final boolean referencesSets;

    RulesetChooser(List<LoadedFile> files, Selection selection, List<Diagnostic> diagnostics) {
        this.selection = selection;
        boolean sets = false;
        for (LoadedFile f : files) {
            if (f.kind() != InputKind.IPTABLES_SAVE && f.kind() != InputKind.IPTABLES_COUNTERS) {
                continue;
            }
            Parsed<Ruleset> p = f.nameHintsV6() ? IptablesSaveParser.parse(f.name(), f.text(), IpFamily.V6)
                    : IptablesSaveParser.parse(f.name(), f.text());
            diagnostics.addAll(p.diagnostics());
            sets |= f.text().contains("--match-set");
            (f.kind() == InputKind.IPTABLES_COUNTERS ? counted : plain).add(new Candidate<>(f, p.value(),
                    ruleCount(p.value())));
        }
        this.referencesSets = sets;
    }

    boolean referencesSets() {
        return referencesSets;
    }

    Optional<Ruleset> ruleset(IpFamily family) {
        List<Candidate<Ruleset>> mine = ofFamily(plain, family);
        Optional<Candidate<Ruleset>> best = mine.stream().max(Comparator
                .<Candidate<Ruleset>, Boolean>comparing(c -> c.file().name().toLowerCase(java.util.Locale.ROOT).contains("save"))
                .thenComparingLong(Candidate::size)
                .thenComparing(c -> c.file().name(), Comparator.reverseOrder()));
        if (best.isPresent()) {
            for (Candidate<Ruleset> c : mine) {
                selection.use(c.file(), c == best.get() ? "rules " + label(family)
                        : "not used: " + best.get().file().name() + " preferred");
            }
            return Optional.of(best.get().value());
        }
        CounterSnapshots snapshots = counters(family);
        return snapshots.after().or(snapshots::before);
    }

    CounterSnapshots counters(IpFamily family) {
        List<Candidate<Ruleset>> mine = new ArrayList<>(ofFamily(counted, family));
        Optional<Candidate<Ruleset>> before = named(mine, "before");
        Optional<Candidate<Ruleset>> after = named(mine, "after");
        before.ifPresent(mine::remove);
        after.ifPresent(mine::remove);
        mine.sort(Comparator.comparingLong((Candidate<Ruleset> c) -> packetTotal(c.value())).thenComparing(c -> c.file().name()));
        if (after.isEmpty() && !mine.isEmpty()) {
            after = Optional.of(mine.remove(mine.size() - 1));
        }
        if (before.isEmpty() && !mine.isEmpty()) {
            before = Optional.of(mine.remove(0));
        }
        before.ifPresent(c -> selection.use(c.file(), "counters before, " + label(family)));
        after.ifPresent(c -> selection.use(c.file(), "counters after, " + label(family)));
        for (Candidate<Ruleset> c : mine) {
            selection.use(c.file(), "not used: more than two counter snapshots");
        }
        return new CounterSnapshots(before.map(Candidate::value), after.map(Candidate::value));
    }

    private static String label(IpFamily family) {
        return family == IpFamily.V4 ? "IPv4" : "IPv6";
    }

    private static Optional<Candidate<Ruleset>> named(List<Candidate<Ruleset>> list, String word) {
        return list.stream().filter(c -> c.file().nameHas(word)).findFirst();
    }

    private static List<Candidate<Ruleset>> ofFamily(List<Candidate<Ruleset>> list, IpFamily family) {
        return list.stream().filter(c -> c.value().family() == family).toList();
    }

    private static long ruleCount(Ruleset r) {
        return r.tables().stream().mapToLong(Table::ruleCount).sum();
    }

    /** The sum of every rule's packet counter (0 for rules saved without one). */
    static long packetTotal(Ruleset r) {
        long sum = 0;
        for (Table t : r.tables()) {
            for (Chain c : t.chains()) {
                for (Rule rule : c.rules()) {
                    sum += rule.counters().map(Counters::packets).orElse(0L);
                }
            }
        }
        return sum;
    }
}
