package io.pktpath.parser.iptables.listing;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.ParseOptions;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The listings of one family's tables as a {@link Ruleset}: their rules, turned back into iptables-save's, are given to
 * {@link IptablesSaveParser} (so rule texts, matches and targets are those of iptables-save), and every place is then
 * the listing's file and line. A built-in chain that reaches a rule that could not be read back (directly or through
 * the chains it jumps or goes to) is refused, left out of its table with a warning naming the rule
 * ({@value #REFUSED}); the others are replayed.
 */
public final class ListingRuleset {
    /** The diagnostic code of a built-in chain left out because it reaches an unreadable rule. */
    public static final String REFUSED = "IPT_LISTING_CHAINS";
    private static final String GENERATED = "<iptables -nvL>";

    private ListingRuleset() {
    }

    /** The ruleset of {@code tables} (one listing per table, all of {@code family}). */
    public static Parsed<Ruleset> of(IpFamily family, List<ListedTable> tables) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<SourceSpan> origin = new ArrayList<>();
        for (ListedTable t : tables) {
            Set<String> refused = refusals(t, diagnostics);
            SourceSpan head = SourceSpan.line(t.file(), t.chains().isEmpty() ? 1 : t.chains().get(0).line());
            add(text, origin, "*" + t.table(), head);
            for (ListedChain c : t.chains()) {
                if (!refused.contains(c.name())) {
                    Counters k = c.policyCounters().orElse(Counters.ZERO);
                    add(text, origin, ":" + c.name() + " " + c.policy().orElse("-") + " [" + k.packets() + ":"
                            + k.bytes() + "]", SourceSpan.line(t.file(), c.line()));
                }
            }
            for (ListedChain c : t.chains()) {
                if (refused.contains(c.name())) {
                    continue;
                }
                for (ListedRule r : c.rules()) {
                    if (r.saveRule().isPresent()) {
                        String counters = r.counters().map(k -> "[" + k.packets() + ":" + k.bytes() + "] ").orElse("");
                        add(text, origin, counters + r.saveRule().get(), SourceSpan.line(t.file(), r.line()));
                    }
                }
            }
            add(text, origin, "COMMIT", head);
            if (t.roundedFigures() > 0) {
                diagnostics.add(Diagnostic.note(ListingReader.CODE, t.roundedFigures() + " rule" + (t.roundedFigures() == 1
                        ? "" : "s") + " of " + t.file() + " carry rounded counters (12K: listed without -x), approximate,"
                        + " so those rules have no counters to compare", head));
            }
        }
        Parsed<Ruleset> parsed = IptablesSaveParser.parse(GENERATED, text.toString(), Optional.of(family),
                ParseOptions.lenient());
        for (Diagnostic d : parsed.diagnostics()) {
            diagnostics.add(new Diagnostic(d.severity(), d.code(), d.message() + " (the listed rule as read back: '"
                    + d.lineText() + "')", d.expected(), place(d.span(), origin), ""));
        }
        Ruleset r = parsed.value();
        List<Table> remapped = r.tables().stream().map(t -> new Table(t.name(), t.chains().stream()
                .map(c -> new Chain(c.name(), c.builtin(), c.policy(), c.counters(), c.rules().stream()
                        .map(rule -> place(rule, origin)).toList(), place(c.span(), origin))).toList(),
                place(t.span(), origin))).toList();
        return new Parsed<>(new Ruleset(r.family(), remapped, r.legacyTablesPresent(),
                r.skippedRules().stream().map(rule -> place(rule, origin)).toList(), Optional.empty()), diagnostics);
    }

    private static void add(StringBuilder text, List<SourceSpan> origin, String line, SourceSpan from) {
        text.append(line).append('\n');
        origin.add(from);
    }

    private static SourceSpan place(SourceSpan span, List<SourceSpan> origin) {
        return span.file().equals(GENERATED) && span.line() >= 1 && span.line() <= origin.size()
                ? origin.get(span.line() - 1) : span;
    }

    private static Rule place(Rule r, List<SourceSpan> origin) {
        return new Rule(r.table(), r.chain(), r.position(), place(r.span(), origin), r.text(), r.matches(), r.target(),
                r.targetSpelling(), r.counters(), r.onlyFamily());
    }

    /**
     * The built-in chains of {@code t} that reach a rule that could not be read back, each warned with the first such
     * rule it reaches.
     */
    private static Set<String> refusals(ListedTable t, List<Diagnostic> diagnostics) {
        Map<String, ListedChain> byName = new LinkedHashMap<>();
        t.chains().forEach(c -> byName.put(c.name(), c));
        Set<String> refused = new java.util.LinkedHashSet<>();
        for (ListedChain builtin : t.chains()) {
            if (!builtin.builtin()) {
                continue;
            }
            Optional<Map.Entry<ListedChain, ListedRule>> bad = firstUnreadable(builtin, byName);
            if (bad.isPresent()) {
                refused.add(builtin.name());
                ListedChain in = bad.get().getKey();
                diagnostics.add(Diagnostic.warning(REFUSED, "chain " + t.table() + " " + builtin.name() + " is not replayed:"
                        + " it reaches " + (in == builtin ? "its own" : "chain " + in.name() + "'s") + " rule at "
                        + t.file() + ":" + bad.get().getValue().line() + ", whose listed form could not be turned back"
                        + " into iptables-save's; its rules and policy are assumed away (every packet passes it)",
                        "the node's iptables-save, which replays the chain in full",
                        SourceSpan.line(t.file(), builtin.line()), "Chain " + builtin.name()));
            }
        }
        return refused;
    }

    private static Optional<Map.Entry<ListedChain, ListedRule>> firstUnreadable(ListedChain start,
                                                                              Map<String, ListedChain> byName) {
        Deque<ListedChain> todo = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(Set.of(start.name()));
        while (!todo.isEmpty()) {
            ListedChain c = todo.removeFirst();
            for (ListedRule r : c.rules()) {
                if (r.saveRule().isEmpty()) {
                    return Optional.of(Map.entry(c, r));
                }
                r.jumpsTo().filter(byName::containsKey).filter(seen::add).ifPresent(n -> todo.addLast(byName.get(n)));
            }
        }
        return Optional.empty();
    }
}
