package io.pktpath.core.trace;

/** A netfilter hook, in the order a packet can meet them (netfilter-semantics §1.1). */
public enum Hook {
    PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING
}
