package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.Mark;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.Netmap;
import io.pktpath.parser.iptables.target.Nfqueue;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.Queue;
import io.pktpath.parser.iptables.target.Redirect;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.Tproxy;
import io.pktpath.parser.iptables.target.UnsupportedTarget;

/**
 * What the walker does with a matched rule's target, decided once at compile time; a statement followed by a verdict
 * ({@link StatementVerdict}) is the verdict's kind, the statement being applied first.
 */
enum TargetKind {
    ACCEPT, DROP, REJECT, QUEUE, NAT, RETURN, JUMP, GOTO, MARK, CONNMARK, CT, TPROXY, UNKNOWN_VERDICT, CONTINUE;

    static TargetKind of(Target target) {
        Target t = StatementVerdict.verdictOf(target);
        if (t instanceof Accept) {
            return ACCEPT;
        }
        if (t instanceof Drop) {
            return DROP;
        }
        if (t instanceof Reject) {
            return REJECT;
        }
        if (t instanceof Queue || t instanceof Nfqueue) {
            return QUEUE;
        }
        if (t instanceof Dnat || t instanceof Snat || t instanceof Masquerade || t instanceof Redirect || t instanceof Netmap) {
            return NAT;
        }
        if (t instanceof Return) {
            return RETURN;
        }
        if (t instanceof Jump) {
            return JUMP;
        }
        if (t instanceof Goto) {
            return GOTO;
        }
        if (t instanceof Mark) {
            return MARK;
        }
        if (t instanceof Connmark) {
            return CONNMARK;
        }
        if (t instanceof Ct || t instanceof Notrack) {
            return CT;
        }
        if (t instanceof Tproxy) {
            return TPROXY;
        }
        if (t instanceof UnsupportedTarget u && u.terminating()) {
            return UNKNOWN_VERDICT;
        }
        return CONTINUE;
    }

    static String chainOf(Target target) {
        Target t = StatementVerdict.verdictOf(target);
        if (t instanceof Jump j) {
            return j.chain();
        }
        return t instanceof Goto g ? g.chain() : "";
    }
}
