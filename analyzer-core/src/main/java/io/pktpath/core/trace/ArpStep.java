package io.pktpath.core.trace;

import java.util.Objects;

/**
 * What the node's ARP code did with one ARP frame: the rule of net/ipv4/arp.c that decided, whether the node answers
 * (requests received) or was answered (requests sent), the device, and the sentence with the sysctls and routes it read.
 */
public record ArpStep(ArpRule rule, boolean answered, String dev, String detail) implements TraceStep {
    public ArpStep {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(dev, "dev");
        detail = detail == null ? "" : detail;
    }

    /** ARP runs beside the IP hooks: no netfilter hook. */
    @Override
    public Hook hook() {
        return null;
    }
}
