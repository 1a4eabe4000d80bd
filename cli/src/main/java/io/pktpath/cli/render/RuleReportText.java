package io.pktpath.cli.render;

import io.pktpath.core.rules.RuleReport;
import io.pktpath.core.rules.RuleUsage;
import io.pktpath.core.rules.ShadowedRule;
import io.pktpath.parser.iptables.model.Counters;
import java.io.PrintStream;

/** {@code pktpath rules hits} in text: a counter table (replay beside the dump's delta), never-hit and shadowed rules. */
public final class RuleReportText {
    /** Never-hit rules listed without {@code --all}: on a kube-proxy node most rules are, by the ten thousand. */
    static final int SHOWN_NEVER_HIT = 100;

    private RuleReportText() {
    }

    public static void render(RuleReport r, boolean all, Style style, PrintStream out) {
        out.println(style.bold("hits") + " (replay" + (r.kernelCounters() ? " | iptables-save -c after - before" : "")
                + "; [packets:bytes]):");
        for (RuleUsage u : r.rows()) {
            if (!all && u.replayed().packets() == 0 && u.kernel().map(k -> k.packets() == 0).orElse(true)) {
                continue;
            }
            String where = u.rule().map(Labels::rule).orElse((u.family() == 6 ? "ip6 " : "") + u.table() + " "
                    + u.chain() + " policy");
            String counts = counters(u.replayed()) + (r.kernelCounters() ? " | " + u.kernel().map(RuleReportText::counters)
                    .orElse("-") : "");
            out.println("  " + (u.disagrees() ? style.red(counts) : counts) + "  " + style.cyan(where)
                    + u.rule().map(ref -> "  " + ref.text()).orElse("") + (u.disagrees() ? style.red("  (differs)") : ""));
        }
        out.println(style.bold("never hit by the replay") + " (" + r.neverHit().size() + "):");
        if (!r.replayed()) {
            out.println("  (no capture was replayed)");
        }
        int listed = all ? r.neverHit().size() : Math.min(SHOWN_NEVER_HIT, r.neverHit().size());
        for (RuleUsage u : r.neverHit().subList(0, listed)) {
            out.println("  " + u.rule().map(Labels::rule).orElse("") + "  " + u.rule().map(ref -> ref.text()).orElse(""));
        }
        if (listed < r.neverHit().size()) {
            out.println("  ... " + (r.neverHit().size() - listed) + " more (--all or --format json lists every one)");
        }
        out.println(style.bold("shadowed (can never match)") + " (" + r.shadowed().size() + "):");
        for (ShadowedRule s : r.shadowed()) {
            out.println("  " + style.yellow(Labels.rule(s.rule())) + "  " + s.rule().text());
            out.println("      by " + Labels.rule(s.by()) + "  " + s.by().text() + ": " + s.why());
        }
        r.notes().forEach(n -> out.println("note: " + n));
        long differ = r.disagreements().size();
        if (r.kernelCounters()) {
            out.println(differ == 0 ? "the replay agrees with the dump's counters"
                    : style.red(differ + (differ == 1 ? " counter differs" : " counters differ") + " from the dump's"));
        }
    }

    private static String counters(Counters c) {
        return c.toString();
    }
}
