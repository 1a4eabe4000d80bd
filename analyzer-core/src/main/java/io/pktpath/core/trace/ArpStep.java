package io.pktpath.core.trace;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;

/**
 * What the node's ARP code did with one ARP frame: the rule of net/ipv4/arp.c that decided, whether the node answers
 * (requests received) or was answered (requests sent), the device, the address the frame is about (the target a
 * request asks for, the sender a reply tells of), and the sentence with the sysctls and routes it read.
 */
public record ArpStep(ArpRule rule, boolean answered, String dev, IpAddress address, String detail)
        implements TraceStep {
    public ArpStep {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(address, "address");
        detail = detail == null ? "" : detail;
    }

    /** ARP runs beside the IP hooks: no netfilter hook. */
    @Override
    public Hook hook() {
        return null;
    }
}
