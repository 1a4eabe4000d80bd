package io.pktpath.core.netfilter;

/**
 * How a table walk ended for the packet: ACCEPT (also when the table has no chain for the hook, and for NAT targets),
 * DROP, REJECT (see {@link TableResult#rejectWith()}), or QUEUE (handed to user space; unknown offline).
 */
public enum TableVerdict {
    ACCEPT, DROP, REJECT, QUEUE;

    /** True when the packet goes on to the next table or hook. */
    public boolean continues() {
        return this == ACCEPT;
    }
}
