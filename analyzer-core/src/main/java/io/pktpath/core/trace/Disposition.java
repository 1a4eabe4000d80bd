package io.pktpath.core.trace;

/**
 * What finally happened to a packet: a closed set with stable upper-case codes used in JSON output
 * (the machine-readable contract in docs/jsonl.md), each with the words a person reads.
 */
public enum Disposition {
    DELIVERED_LOCALLY("delivered locally", false),
    FORWARDED("forwarded", false),
    SENT("sent by a local process", false),
    DROPPED_BY_RULE("dropped by rule", true),
    DROPPED_BY_POLICY("dropped by chain policy", true),
    REJECTED("rejected", true),
    NO_ROUTE("no route", true),
    UNREACHABLE_ROUTE("unreachable route", true),
    PROHIBIT_ROUTE("prohibit route", true),
    BLACKHOLE_ROUTE("blackhole route", true),
    NEIGHBOR_UNREACHABLE("neighbor unreachable", true),
    RP_FILTER("dropped by rp_filter", true),
    FORWARDING_DISABLED("forwarding disabled", true),
    TTL_EXCEEDED("TTL exceeded", true),
    MTU_EXCEEDED("too big for the egress MTU", true),
    MARTIAN("martian address", true),
    NOT_JOINED("multicast group not joined on the input interface", false),
    INVALID_STATE("invalid conntrack state", true),
    CONNTRACK_RACE("lost in a conntrack insert race", true),
    QUEUED("queued to user space", false),
    MALFORMED("malformed", true),
    NOT_REPLAYABLE("not replayable", false),
    HELD_FOR_REASSEMBLY("held for reassembly", false),
    REASSEMBLY_FAILED("never reassembled", true),
    BRIDGE_HAIRPIN_OFF("bridged back to its ingress port, hairpin mode off", true);

    private final String words;
    private final boolean failure;

    Disposition(String words, boolean failure) {
        this.words = words;
        this.failure = failure;
    }

    /** Lower-case words for text output, e.g. "dropped by rule". */
    public String words() {
        return words;
    }

    /** True when the packet did not reach its destination because of this node. */
    public boolean isFailure() {
        return failure;
    }
}
