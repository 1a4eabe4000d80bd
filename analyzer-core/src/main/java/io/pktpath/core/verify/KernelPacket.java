package io.pktpath.core.verify;

import java.util.List;
import java.util.Objects;

/**
 * One packet the kernel traced: its trace id, family (2 = IPv4, 10 = IPv6, as xtables-monitor prints), the headers it
 * had at each table, and every TRACE step in order.
 */
public record KernelPacket(String traceId, int family, List<KernelPacketHeader> headers, List<KernelStep> steps) {
    public KernelPacket {
        Objects.requireNonNull(traceId, "traceId");
        headers = List.copyOf(headers);
        steps = List.copyOf(steps);
    }

    /**
     * The header as the packet entered the node's IP hooks (the first PACKET line; for a frame a bridge table traced
     * first, the first line of an IP family's table, where IN= names the bridge, when there is one).
     */
    public KernelPacketHeader first() {
        for (KernelPacketHeader h : headers) {
            if (!h.bridgeFamily()) {
                return h;
            }
        }
        return headers.get(0);
    }

    /** True when the first step is in raw OUTPUT: a locally generated packet. */
    public boolean locallyGenerated() {
        return !steps.isEmpty() && steps.get(0).chain().equals("OUTPUT");
    }
}
