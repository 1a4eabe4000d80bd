package io.pktpath.core.verify;

import java.util.Objects;

/**
 * A rule (position 1..n) or built-in chain policy (position 0) whose packet/byte count over the capture differs between
 * the kernel's counter delta ({@code iptables-save -c} after minus before) and pktpath's committed walks.
 */
public record HitDifference(int family, String table, String chain, int position, String ruleText, long kernelPackets,
                            long kernelBytes, long pktpathPackets, long pktpathBytes) {
    public HitDifference {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(ruleText, "ruleText");
    }

    /** {@code filter FORWARD #3} or {@code filter FORWARD policy}. */
    public String label() {
        return table + " " + chain + (position == 0 ? " policy" : " #" + position);
    }

    /** {@code filter FORWARD #3 (-A FORWARD ...): kernel 4 pkts/240 B vs pktpath 3 pkts/180 B}. */
    public String describe() {
        return label() + (ruleText.isEmpty() ? "" : " (" + ruleText + ")") + ": kernel " + kernelPackets + " pkts/"
                + kernelBytes + " B vs pktpath " + pktpathPackets + " pkts/" + pktpathBytes + " B";
    }
}
