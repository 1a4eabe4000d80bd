package io.pktpath.core.conntrack;

/** The direction of a packet relative to its conntrack entry ({@code --ctdir}, netfilter-semantics §2.2). */
public enum CtDirection {
    ORIGINAL, REPLY;

    public CtDirection opposite() {
        return this == ORIGINAL ? REPLY : ORIGINAL;
    }
}
