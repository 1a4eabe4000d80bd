package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.NftExpression;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import io.pktpath.parser.iptables.model.Rule;

/**
 * Prints a rule from its typed model as iptables-save does ({@code -A CHAIN options -j TARGET}), single-spaced, without
 * counters. Values are rendered canonically; a value written differently in the input (an unquoted multi-word comment,
 * {@code -s 10.0.0.1} without {@code /32}, {@code --or-mark}) keeps its written spelling, so the input line comes back.
 * A native nft expression without an iptables form is printed as {@code -m nft "limit rate 2/second"}.
 */
public final class RuleRenderer {
    private RuleRenderer() {
    }

    public static String render(Rule rule) {
        StringBuilder sb = new StringBuilder("-A ").append(rule.chain());
        for (Match m : rule.matches()) {
            sb.append(' ');
            renderMatch(m, sb);
        }
        String target = rule.targetSpelling().orElse(rule.target().render());
        if (!target.isEmpty()) {
            sb.append(' ').append(target);
        }
        return sb.toString();
    }

    /** One match as printed. */
    public static String render(Match match) {
        StringBuilder sb = new StringBuilder();
        renderMatch(match, sb);
        return sb.toString();
    }

    private static void renderMatch(Match m, StringBuilder sb) {
        if (m instanceof AddressMatch a) {
            basic(sb, a.negated(), a.negationAfterName(), a.spelledOption(), a.argumentSpelling().orElse(a.cidr().toString()));
        } else if (m instanceof ProtocolMatch p) {
            basic(sb, p.negated(), p.negationAfterName(), p.spelledOption(), p.argumentSpelling().orElse(p.name()));
        } else if (m instanceof InterfaceMatch i) {
            basic(sb, i.negated(), i.negationAfterName(), i.spelledOption(), i.name());
        } else if (m instanceof FragmentMatch f) {
            sb.append(f.negated() ? "! " : "").append(f.spelledOption());
        } else if (m instanceof NftExpression n) {
            sb.append("-m nft \"").append(n.text()).append('"');
        } else if (m instanceof ModuleMatch mm) {
            module(mm, sb);
        } else if (m instanceof UnsupportedMatch u) {
            sb.append(String.join(" ", u.tokens()));
        }
    }

    private static void basic(StringBuilder sb, boolean negated, boolean after, String option, String value) {
        if (negated && !after) {
            sb.append("! ");
        }
        sb.append(option);
        if (after) {
            sb.append(" !");
        }
        sb.append(' ').append(value);
    }

    private static void module(ModuleMatch m, StringBuilder sb) {
        int start = sb.length();
        if (!m.implicit()) {
            sb.append("-m ").append(m.module());
        }
        for (MatchOption o : m.options()) {
            if (sb.length() > start) {
                sb.append(' ');
            }
            if (o.negated() && !o.negationAfterName()) {
                sb.append("! ");
            }
            sb.append(o.spelledName());
            if (o.negationAfterName()) {
                sb.append(" !");
            }
            if (!(o.value() instanceof OptionValue.Flag)) {
                sb.append(' ').append(o.argumentSpelling().orElse(o.value().render()));
            }
        }
    }
}
