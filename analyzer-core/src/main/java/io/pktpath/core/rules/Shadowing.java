package io.pktpath.core.rules;

import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Log;
import io.pktpath.parser.iptables.target.Nflog;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds rules that can never match: an earlier rule of the same chain whose every match also holds for every packet
 * the later rule matches, and whose target ends the chain (a verdict, RETURN or goto). Conservative: an earlier rule
 * with a match that depends on time, rates, randomness or an unknown module never shadows, and when a rule in between
 * may change the packet's state (marks, conntrack, a jump), only matches on unchangeable header fields count.
 */
final class Shadowing {
    /** Modules whose outcome is a fixed function of the packet's headers and interfaces. */
    private static final Set<String> HEADER_MODULES = Set.of("tcp", "udp", "sctp", "icmp", "icmp6", "multiport",
            "iprange", "addrtype", "pkttype", "mac", "comment", "length", "frag");
    /** Modules whose outcome varies from one packet to the next however alike they are. */
    private static final Set<String> VARYING_MODULES = Set.of("statistic", "limit", "hashlimit", "recent", "connlimit",
            "nfacct", "time", "quota", "connbytes", "socket", "owner");

    private Shadowing() {
    }

    static List<ShadowedRule> find(Ruleset ruleset) {
        List<ShadowedRule> out = new ArrayList<>();
        int family = ruleset.family().number();
        for (Table table : ruleset.tables()) {
            for (Chain chain : table.chains()) {
                List<Rule> rules = chain.rules();
                for (int j = 1; j < rules.size(); j++) {
                    for (int i = 0; i < j; i++) {
                        if (shadows(rules, i, j)) {
                            Rule earlier = rules.get(i);
                            out.add(new ShadowedRule(RuleReport.ref(family, rules.get(j)), RuleReport.ref(family, earlier),
                                    earlier.matches().stream().allMatch(m -> m instanceof CommentMatch)
                                            ? "rule #" + earlier.position() + " matches every packet and ends the chain"
                                            : "rule #" + earlier.position() + " matches every packet this rule matches and ends the chain"));
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean shadows(List<Rule> rules, int i, int j) {
        Rule earlier = rules.get(i);
        Rule later = rules.get(j);
        if (!endsChain(earlier.target()) || !earlier.onlyFamily().equals(later.onlyFamily())) {
            return false;
        }
        boolean stateMayChange = false;
        for (int k = i + 1; k < j; k++) {
            stateMayChange |= !harmless(rules.get(k).target());
        }
        for (Match m : earlier.matches()) {
            if (m instanceof CommentMatch) {
                continue;
            }
            if (varying(m) || stateMayChange && !headerOnly(m)) {
                return false;
            }
            if (later.matches().stream().noneMatch(n -> Coverage.covers(m, n))) {
                return false;
            }
        }
        return true;
    }

    /** True when a matching rule with target {@code target} ends the chain (for a statement and verdict: its verdict). */
    private static boolean endsChain(Target target) {
        Target t = StatementVerdict.verdictOf(target);
        return t.terminating() || t instanceof Return || t instanceof Goto;
    }

    private static boolean harmless(Target t) {
        return t instanceof Log || t instanceof Nflog || t instanceof NoTarget || t instanceof Trace;
    }

    private static boolean varying(Match m) {
        if (m instanceof ModuleMatch mm) {
            return VARYING_MODULES.contains(mm.module());
        }
        return !(m instanceof AddressMatch || m instanceof ProtocolMatch || m instanceof InterfaceMatch
                || m instanceof io.pktpath.parser.iptables.match.FragmentMatch);
    }

    private static boolean headerOnly(Match m) {
        if (m instanceof ModuleMatch mm) {
            return HEADER_MODULES.contains(mm.module());
        }
        return true;
    }
}
