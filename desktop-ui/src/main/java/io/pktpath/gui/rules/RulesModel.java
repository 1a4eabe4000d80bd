package io.pktpath.gui.rules;

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
 * packets and bytes the replay counted for it, a heat from 0 to 1 on a log scale, and the frames that hit a rule.
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
        List<Ruleset> rulesets = new ArrayList<>();
        session.bundle().rulesetV4().ifPresent(rulesets::add);
        session.bundle().rulesetV6().ifPresent(rulesets::add);
        long max = 0;
        for (Ruleset rs : rulesets) {
            for (Table t : rs.tables()) {
                for (Rule r : t.rules()) {
                    max = Math.max(max, count(hits, ref(rs, t, r)).packets());
                }
            }
        }
        List<RuleRow> roots = new ArrayList<>();
        for (Ruleset rs : rulesets) {
            List<RuleRow> tables = new ArrayList<>();
            for (Table t : rs.tables()) {
                List<RuleRow> chains = new ArrayList<>();
                for (Chain c : t.chains()) {
                    chains.add(chain(rs, t, c, hits, max));
                }
                tables.add(new RuleRow(RuleRow.Level.TABLE, "table " + t.name(), Optional.empty(), 0, 0, 0, chains));
            }
            roots.add(new RuleRow(RuleRow.Level.FAMILY, rs.family() == io.pktpath.parser.net.IpFamily.V4
                    ? "IPv4 (iptables)" : "IPv6 (ip6tables)", Optional.empty(), 0, 0, 0, tables));
        }
        return new RulesModel(roots, session);
    }

    private static RuleRow chain(Ruleset rs, Table t, Chain c, Optional<RuleHits> hits, long max) {
        List<RuleRow> rules = new ArrayList<>();
        for (Rule r : c.rules()) {
            RuleRef ref = ref(rs, t, r);
            Counters n = count(hits, ref);
            rules.add(new RuleRow(RuleRow.Level.RULE, "#" + r.position() + " " + r.text(), Optional.of(ref),
                    n.packets(), n.bytes(), heat(n.packets(), max), List.of()));
        }
        String policy = c.policy().map(p -> " (policy " + p + ")").orElse("");
        Counters pc = c.builtin() ? hits.map(h -> h.policy(rs.family().number(), t.name(), c.name()))
                .orElse(Counters.ZERO) : Counters.ZERO;
        return new RuleRow(RuleRow.Level.CHAIN, c.name() + policy, Optional.empty(), pc.packets(), pc.bytes(), 0,
                rules);
    }

    private static RuleRef ref(Ruleset rs, Table t, Rule r) {
        return new RuleRef(rs.family().number(), t.name(), r.chain(), r.position(), r.span(), r.text());
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
