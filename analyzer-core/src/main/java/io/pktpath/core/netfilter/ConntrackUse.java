package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.StateMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;

/** Whether a rule needs conntrack in the kernel (semantics §2.1: conntrack is loaded on demand). */
final class ConntrackUse {
    private ConntrackUse() {
    }

    static boolean needs(Rule rule) {
        TargetKind kind = TargetKind.of(rule.target());
        // a native nft rule's statement before its verdict (ct mark set ... accept) counts as the target it is
        Target statement = StatementVerdict.statementOf(rule.target()).orElse(rule.target());
        if (kind == TargetKind.NAT || statement instanceof Connmark || statement instanceof Ct
                || statement instanceof Notrack) {
            return true;
        }
        for (Match m : rule.matches()) {
            if (m instanceof ConntrackMatch || m instanceof StateMatch || m instanceof ConnmarkMatch) {
                return true;
            }
        }
        return false;
    }
}
