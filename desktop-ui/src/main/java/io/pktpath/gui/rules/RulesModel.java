package io.pktpath.gui.rules;

import io.pktpath.core.netfilter.LegacyTables;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.gui.session.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules view's content: the node's tables and chains as its iptables-save has them, every rule with the
 * packets and bytes the replay counted for it, a heat from 0 to 1 on a log scale, and the frames that hit a rule; an
 * iptables-legacy ruleset replayed beside iptables-nft's follows its family's main one, its tables named
 * {@code legacy <table>} as the replay names them, each family row saying its backend and which runs first; then the
 * native nftables chains the replay translated from the bundle's nft listing, one row per nft rule.
 */
public final class RulesModel {
    private final List<RuleRow> roots;
    private final Session session;

    private RulesModel(List<RuleRow> roots, Session session) {
        this.roots = List.copyOf(roots);
        this.session = session;
    }

    public static RulesModel of(Session session) {
        Optional<RuleHits> hits = session.result().hits();
        io.pktpath.parser.bundle.Bundle bundle = session.bundle();
        io.pktpath.parser.bundle.LegacyIptables legacy = bundle.legacy();
        List<Listed> rulesets = new ArrayList<>();
        for (io.pktpath.parser.net.IpFamily family : io.pktpath.parser.net.IpFamily.values()) {
            String tool = family == io.pktpath.parser.net.IpFamily.V4 ? "iptables" : "ip6tables";
            String ip = family == io.pktpath.parser.net.IpFamily.V4 ? "IPv4" : "IPv6";
            bundle.ruleset(family).ifPresent(rs -> rulesets.add(new Listed(rs, "", ip + " (" + tool
                    + (legacy.isEmpty() ? "" : "-nft" + (legacy.legacyFirst() ? ", after the legacy tables"
                    : ", first at each equal priority")) + ")")));
            legacy.ruleset(family).ifPresent(rs -> rulesets.add(new Listed(rs, LegacyTables.PREFIX, ip + " (" + tool
                    + "-legacy, " + (legacy.legacyFirst() ? "first at each equal priority"
                    : "after iptables-nft's chains") + ")")));
        }
        for (io.pktpath.parser.net.IpFamily family : io.pktpath.parser.net.IpFamily.values()) {
            Ruleset nft = bundle.nftReplay().ruleset(family);
            if (!nft.tables().isEmpty()) {
                rulesets.add(new Listed(nft, "", (family == io.pktpath.parser.net.IpFamily.V4 ? "IPv4" : "IPv6")
                        + " (native nftables chains of " + bundle.nftRuleset().map(r -> r.file()).orElse("the nft listing")
                        + ", replayed)"));
            }
        }
        long max = 0;
        for (Listed l : rulesets) {
            for (Table t : l.ruleset().tables()) {
                for (Rule r : t.rules()) {
                    max = Math.max(max, count(hits, ref(l, t, r)).packets());
                }
            }
        }
        List<RuleRow> roots = new ArrayList<>();
        for (Listed l : rulesets) {
            List<RuleRow> tables = new ArrayList<>();
            for (Table t : l.ruleset().tables()) {
                List<RuleRow> chains = new ArrayList<>();
                for (Chain c : t.chains()) {
                    chains.add(chain(l, t, c, hits, max));
                }
                tables.add(new RuleRow(RuleRow.Level.TABLE, "table " + l.label() + t.name(), Optional.empty(), 0, 0, 0,
                        chains));
            }
            roots.add(new RuleRow(RuleRow.Level.FAMILY, l.title(), Optional.empty(), 0, 0, 0, tables));
        }
        return new RulesModel(roots, session);
    }

    /**
     * A ruleset the view lists: {@code label} is what the replay's steps and hits put before its tables' names
     * ({@code "legacy "} for an iptables-legacy ruleset replayed beside iptables-nft's), {@code title} its row's text.
     */
    private record Listed(Ruleset ruleset, String label, String title) {
    }

    private static RuleRow chain(Listed l, Table t, Chain c, Optional<RuleHits> hits, long max) {
        List<RuleRow> rules = new ArrayList<>();
        java.util.Set<RuleRef> listed = new java.util.HashSet<>();
        for (Rule r : c.rules()) {
            RuleRef ref = ref(l, t, r);
            if (!listed.add(ref)) {
                continue; // a native nft rule the replay runs as several translated rules is one row
            }
            Counters n = count(hits, ref);
            rules.add(new RuleRow(RuleRow.Level.RULE, "#" + r.position() + " " + r.text(), Optional.of(ref),
                    n.packets(), n.bytes(), heat(n.packets(), max), List.of()));
        }
        String policy = c.policy().map(p -> " (policy " + p + ")").orElse("");
        Counters pc = c.builtin() ? hits.map(h -> h.policy(l.ruleset().family().number(), l.label() + t.name(),
                c.name())).orElse(Counters.ZERO) : Counters.ZERO;
        return new RuleRow(RuleRow.Level.CHAIN, c.name() + policy, Optional.empty(), pc.packets(), pc.bytes(), 0,
                rules);
    }

    private static RuleRef ref(Listed l, Table t, Rule r) {
        return new RuleRef(l.ruleset().family().number(), l.label() + t.name(), r.chain(), r.position(), r.span(),
                r.text());
    }

    private static Counters count(Optional<RuleHits> hits, RuleRef ref) {
        return hits.map(h -> h.rule(ref)).orElse(Counters.ZERO);
    }

    /** log(1 + packets) / log(1 + max): 0 for never hit, 1 for the most hit rule. */
    public static double heat(long packets, long max) {
        return packets <= 0 || max <= 0 ? 0 : Math.log1p(packets) / Math.log1p(max);
    }

    /** Families → tables → chains → rules. */
    public List<RuleRow> roots() {
        return roots;
    }

    /** Every rule row, in file order. */
    public List<RuleRow> rules() {
        return roots.stream().flatMap(r -> r.flatten().stream()).filter(r -> r.level() == RuleRow.Level.RULE)
                .toList();
    }

    /** The frames that matched {@code row}'s rule, ascending. */
    public long[] frames(RuleRow row) {
        return row.rule().map(r -> session.ruleFrames().of(r)).orElse(new long[0]);
    }

    /** The heat scale: pale yellow (heat near 0) to deep orange-red (1), as a CSS color. */
    public static String heatColor(double heat) {
        double h = Math.max(0, Math.min(1, heat));
        int g = (int) Math.round(243 - h * (243 - 120));
        int b = (int) Math.round(200 - h * (200 - 90));
        return String.format("#ff%02x%02x", g, b);
    }
}
