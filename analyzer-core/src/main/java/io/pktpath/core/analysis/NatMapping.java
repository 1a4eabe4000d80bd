package io.pktpath.core.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A NAT rewrite seen in the capture, aggregated over packets: the kind (DNAT, SNAT/MASQUERADE, both), the endpoint
 * before and after ({@code 10.96.0.10:80 -> 10.244.1.3:8080}), the number of packets and the first frames.
 */
public record NatMapping(String kind, String before, String after, long packets, List<Long> frames) {
    public NatMapping {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        frames = List.copyOf(frames);
    }
}
