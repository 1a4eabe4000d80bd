package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.listing.ListedTable;
import io.pktpath.parser.iptables.listing.ListingReader;
import io.pktpath.parser.iptables.listing.ListingRuleset;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code iptables -nvL} listings of a bundle (an sosreport's {@code iptables_-t_nat_-nvL}, {@code iptables_-vnxL},
 * ip6tables'), read into a family's ruleset when the bundle has no iptables-save for it: per table the listing with
 * exact counters, then the one named as taken with {@code -x}, then the most rules, then the first name; with an iptables-save they are noted as not used.
 */
final class ListingChooser {
    private static final List<String> TABLE_ORDER = List.of("raw", "mangle", "nat", "filter", "security");
    /** A name that says the listing was taken with {@code -x} (exact figures): {@code iptables_-vnxL}. */
    private static final java.util.regex.Pattern EXACT = java.util.regex.Pattern.compile("-[a-wyz]*x[a-z]*L");
    private final List<Map.Entry<LoadedFile, Parsed<ListedTable>>> listings = new ArrayList<>();
    private final Selection selection;
    private final List<Diagnostic> diagnostics;

    ListingChooser(List<LoadedFile> files, Selection selection, List<Diagnostic> diagnostics) {
        this.selection = selection;
        this.diagnostics = diagnostics;
        for (LoadedFile f : files) {
            if (f.kind() == InputKind.IPTABLES_LISTING) {
                listings.add(Map.entry(f, ListingReader.read(f.name(), f.text(), Optional.empty())));
            }
        }
    }

    /** Whether a listing used for the rules references ipsets ({@code match-set}). */
    boolean referencesSets(IpFamily family) {
        return listings.stream().anyMatch(e -> e.getValue().value().family() == family
                && selection.noteFor(e.getKey()).startsWith("rules") && e.getKey().text().contains("match-set"));
    }

    /**
     * The family's ruleset from its listings when {@code saved} (the family's iptables-save ruleset) is empty; else
     * every listing of the family is noted as not used.
     */
    Optional<Ruleset> ruleset(IpFamily family, Optional<Ruleset> saved) {
        List<Map.Entry<LoadedFile, Parsed<ListedTable>>> mine = listings.stream()
                .filter(e -> e.getValue().value().family() == family).toList();
        String label = family == IpFamily.V4 ? "IPv4" : "IPv6";
        if (saved.isPresent() || mine.isEmpty()) {
            mine.forEach(e -> selection.use(e.getKey(), "not used: " + (family == IpFamily.V4 ? "iptables-save"
                    : "ip6tables-save") + " preferred"));
            return Optional.empty();
        }
        Map<String, List<Map.Entry<LoadedFile, Parsed<ListedTable>>>> byTable = new LinkedHashMap<>();
        mine.stream().sorted(Comparator.comparing(e -> TABLE_ORDER.indexOf(e.getValue().value().table())))
                .forEach(e -> byTable.computeIfAbsent(e.getValue().value().table(), k -> new ArrayList<>()).add(e));
        List<ListedTable> chosen = new ArrayList<>();
        for (var entry : byTable.entrySet()) {
            var best = entry.getValue().stream().max(Comparator
                    .<Map.Entry<LoadedFile, Parsed<ListedTable>>, Boolean>comparing(e -> e.getValue().value().roundedFigures() == 0)
                    .thenComparing(e -> EXACT.matcher(e.getKey().name()).find())
                    .thenComparingInt(e -> e.getValue().value().ruleCount())
                    .thenComparing(e -> e.getKey().name(), Comparator.reverseOrder())).orElseThrow();
            for (var e : entry.getValue()) {
                if (e == best) {
                    ListedTable t = e.getValue().value();
                    selection.use(e.getKey(), "rules " + label + ", table " + t.table() + (t.roundedFigures() > 0
                            ? ", counters rounded (no -x)" : ""));
                    diagnostics.addAll(e.getValue().diagnostics());
                    chosen.add(t);
                } else {
                    selection.use(e.getKey(), "not used: " + best.getKey().name() + " preferred");
                }
            }
        }
        Parsed<Ruleset> r = ListingRuleset.of(family, chosen);
        diagnostics.addAll(r.diagnostics());
        return Optional.of(r.value());
    }
}
