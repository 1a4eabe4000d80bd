package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.StateMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Notrack;

/** Whether a rule needs conntrack in the kernel (semantics §2.1: conntrack is loaded on demand). */
final class ConntrackUse {
    private ConntrackUse() {
    }

    static boolean needs(Rule rule) {
        TargetKind kind = TargetKind.of(rule.target());
        if (kind == TargetKind.NAT || rule.target() instanceof Connmark || rule.target() instanceof Ct
                || rule.target() instanceof Notrack) {
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
