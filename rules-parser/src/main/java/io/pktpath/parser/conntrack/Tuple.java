package io.pktpath.parser.conntrack;

import io.pktpath.parser.net.IpAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * One direction of a conntrack entry ({@code src= dst= sport= dport=}, or {@code type= code= id=} for ICMP), with the
 * per-direction {@code packets=}/{@code bytes=} counters when accounting is on.
 */
public record Tuple(IpAddress src, IpAddress dst, Optional<Integer> sport, Optional<Integer> dport,
                    Optional<Integer> icmpType, Optional<Integer> icmpCode, Optional<Integer> icmpId,
                    Optional<Long> packets, Optional<Long> bytes) {
    public Tuple {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(sport, "sport");
        Objects.requireNonNull(dport, "dport");
        Objects.requireNonNull(icmpType, "icmpType");
        Objects.requireNonNull(icmpCode, "icmpCode");
        Objects.requireNonNull(icmpId, "icmpId");
        Objects.requireNonNull(packets, "packets");
        Objects.requireNonNull(bytes, "bytes");
    }
}
