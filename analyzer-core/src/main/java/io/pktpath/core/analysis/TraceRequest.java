package io.pktpath.core.analysis;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;

/**
 * A synthetic packet for {@code pktpath trace}: addresses, protocol number, ports (ICMP: the echo id as {@code sport}),
 * and where it enters: an interface name, or empty for a packet sent by the node itself (replayed from OUTPUT).
 */
public record TraceRequest(IpAddress src, IpAddress dst, int proto, int sport, int dport, String inIface) {
    public TraceRequest {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        inIface = inIface == null ? "" : inIface;
        if (src.family() != dst.family()) {
            throw new IllegalArgumentException("source " + src + " and destination " + dst + " are of different families");
        }
    }

    public boolean locallyGenerated() {
        return inIface.isEmpty();
    }
}
