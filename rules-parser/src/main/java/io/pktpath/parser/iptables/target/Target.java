package io.pktpath.parser.iptables.target;

/** What a rule does when all its matches hold ({@code -j}/{@code -g} and the target's options, semantics §3.2). */
public sealed interface Target permits Accept, Drop, Reject, Return, Jump, Goto, Log, Nflog, Mark, Connmark, Dnat, Snat,
        Masquerade, Redirect, Netmap, Ct, Notrack, Trace, Nfqueue, Queue, Checksum, Tcpmss, Tproxy, SetTarget,
        StatementVerdict, NoTarget, UnsupportedTarget {

    /** True if the target issues a verdict that ends the table's traversal (ACCEPT, DROP, REJECT, NAT, queueing). */
    boolean terminating();

    /** The target as iptables-save prints it: {@code -j NAME} followed by its options (empty for {@link NoTarget}). */
    String render();
}
