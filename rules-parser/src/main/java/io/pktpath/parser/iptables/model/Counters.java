package io.pktpath.parser.iptables.model;

/** Packet and byte counters as printed in {@code [pkts:bytes]} (chain lines, and rules with {@code iptables-save -c}). */
public record Counters(long packets, long bytes) {
    public static final Counters ZERO = new Counters(0, 0);

    public Counters {
        if (packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative counters " + packets + ":" + bytes);
        }
    }

    /** {@code [pkts:bytes]} as iptables-save prints it. */
    @Override
    public String toString() {
        return "[" + packets + ":" + bytes + "]";
    }
}
