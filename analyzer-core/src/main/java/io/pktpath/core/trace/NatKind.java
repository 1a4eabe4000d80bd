package io.pktpath.core.trace;

/** Which rewrite a NAT step made; the UN* kinds are conntrack restoring addresses on replies. */
public enum NatKind {
    DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP, BINDING, UNDNAT, UNSNAT, PORT_CLASH_REWRITE
}
