package io.pktpath.parser.iptables.model;

/** The policy of a built-in chain, applied when a packet falls off its end (semantics §3.3). */
public enum Policy {
    ACCEPT, DROP
}
