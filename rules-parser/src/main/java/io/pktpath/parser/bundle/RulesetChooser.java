package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.IptablesBackend;
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
 * lower rule counter total is "before" and the higher one "after"; a single unnamed snapshot is "after"). A family
 * whose dumps come from both backends ({@link IptablesBackend}: an iptables-nft dump and an iptables-legacy one, or a
 * file named as legacy) gets its legacy ruleset and snapshots chosen the same way apart from the main ones; a family
 * with legacy dumps only has them as its main ruleset.
 */
final class RulesetChooser {
    private final List<Candidate<Ruleset>> plain = new ArrayList<>();
    private final List<Candidate<Ruleset>> counted = new ArrayList<>();
    private final List<Candidate<Ruleset>> legacyPlain = new ArrayList<>();
    private final List<Candidate<Ruleset>> legacyCounted = new ArrayList<>();
    private final Selection selection;
    private final boolean referencesSets;

    RulesetChooser(List<LoadedFile> files, Selection selection, List<Diagnostic> diagnostics) {
        this.selection = selection;
        boolean sets = false;
        List<Candidate<Ruleset>> named = new ArrayList<>();
        List<Candidate<Ruleset>> nft = new ArrayList<>();
        List<java.util.Map.Entry<Candidate<Ruleset>, List<Diagnostic>>> said = new ArrayList<>();
        for (LoadedFile f : files) {
            boolean forced = f.kind() == InputKind.IPTABLES_LEGACY_SAVE;
            if (f.kind() != InputKind.IPTABLES_SAVE && f.kind() != InputKind.IPTABLES_COUNTERS && !forced) {
                continue;
            }
            Parsed<Ruleset> p = f.nameHintsV6() ? IptablesSaveParser.parse(f.name(), f.text(), IpFamily.V6)
                    : IptablesSaveParser.parse(f.name(), f.text());
            sets |= f.text().contains("--match-set");
            Candidate<Ruleset> c = new Candidate<>(f, p.value(), ruleCount(p.value()));
            said.add(java.util.Map.entry(c, p.diagnostics()));
            boolean withCounters = f.kind() == InputKind.IPTABLES_COUNTERS || forced && ContentSniffer.recognize(
                    new byte[0], f.text()).kind().filter(k -> k == InputKind.IPTABLES_COUNTERS).isPresent();
            IptablesBackend backend = forced ? IptablesBackend.LEGACY : IptablesBackend.of(p.value());
            if (forced) {
                named.add(c);
            } else if (backend == IptablesBackend.NFT) {
                nft.add(c);
            }
            if (backend == IptablesBackend.LEGACY) {
                (withCounters ? legacyCounted : legacyPlain).add(c);
            } else {
                (withCounters ? counted : plain).add(c);
            }
        }
        for (IpFamily family : IpFamily.values()) {
            if (ofFamily(named, family).isEmpty() && ofFamily(nft, family).isEmpty()) {
                // legacy dumps alone: they are the node's only iptables rules of this family
                moveFamily(legacyPlain, plain, family);
                moveFamily(legacyCounted, counted, family);
            }
        }
        for (var e : said) {
            // the warning that legacy tables exist is answered when their dump is here too
            boolean answered = !ofFamily(legacyPlain, e.getKey().value().family()).isEmpty()
                    || !ofFamily(legacyCounted, e.getKey().value().family()).isEmpty();
            e.getValue().stream().filter(d -> !(answered && d.code().equals("IPT101"))).forEach(diagnostics::add);
        }
        this.referencesSets = sets;
    }

    private static void moveFamily(List<Candidate<Ruleset>> from, List<Candidate<Ruleset>> to, IpFamily family) {
        List<Candidate<Ruleset>> moving = ofFamily(from, family);
        from.removeAll(moving);
        to.addAll(moving);
    }

    /** The iptables-legacy ruleset of a family whose main ruleset comes from iptables-nft, if the bundle has one. */
    Optional<Ruleset> legacyRuleset(IpFamily family) {
        return choose(legacyPlain, legacyCounted, family, ", iptables-legacy");
    }

    /** The iptables-legacy counter snapshots beside {@link #legacyRuleset}. */
    CounterSnapshots legacyCounters(IpFamily family) {
        return snapshots(legacyCounted, family, ", iptables-legacy");
    }

    boolean referencesSets() {
        return referencesSets;
    }

    Optional<Ruleset> ruleset(IpFamily family) {
        return choose(plain, counted, family, "");
    }

    private Optional<Ruleset> choose(List<Candidate<Ruleset>> plainOnes, List<Candidate<Ruleset>> countedOnes,
                                     IpFamily family, String backend) {
        List<Candidate<Ruleset>> mine = ofFamily(plainOnes, family);
        Optional<Candidate<Ruleset>> best = mine.stream().max(Comparator
                .<Candidate<Ruleset>, Boolean>comparing(c -> c.file().name().toLowerCase(java.util.Locale.ROOT).contains("save"))
                .thenComparingLong(Candidate::size)
                .thenComparing(c -> c.file().name(), Comparator.reverseOrder()));
        if (best.isPresent()) {
            for (Candidate<Ruleset> c : mine) {
                selection.use(c.file(), c == best.get() ? "rules " + label(family) + backend
                        : "not used: " + best.get().file().name() + " preferred");
            }
            return Optional.of(best.get().value());
        }
        CounterSnapshots snapshots = snapshots(countedOnes, family, backend);
        return snapshots.after().or(snapshots::before);
    }

    CounterSnapshots counters(IpFamily family) {
        return snapshots(counted, family, "");
    }

    private CounterSnapshots snapshots(List<Candidate<Ruleset>> countedOnes, IpFamily family, String backend) {
        List<Candidate<Ruleset>> mine = new ArrayList<>(ofFamily(countedOnes, family));
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
        before.ifPresent(c -> selection.use(c.file(), "counters before, " + label(family) + backend));
        after.ifPresent(c -> selection.use(c.file(), "counters after, " + label(family) + backend));
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
