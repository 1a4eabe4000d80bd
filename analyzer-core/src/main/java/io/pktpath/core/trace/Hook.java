package io.pktpath.core.trace;

/**
 * A netfilter hook, in the order a packet can meet them (netfilter-semantics §1.1); INGRESS is the netdev ingress hook
 * a packet meets on its input device before PREROUTING (nftables' netdev and inet ingress chains).
 */
public enum Hook {
    INGRESS, PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING
}
