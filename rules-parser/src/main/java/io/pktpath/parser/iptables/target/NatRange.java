package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Objects;
import java.util.Optional;

/** A NAT target range {@code [addr[-addr]][:port[-port]]} (IPv6 with a port: {@code [addr]:port}). */
public record NatRange(Optional<IpAddress> from, Optional<IpAddress> to, Optional<PortRange> ports) {
    public NatRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(ports, "ports");
        if (from.isPresent() != to.isPresent()) {
            throw new IllegalArgumentException("address range needs both ends");
        }
    }

    /** The range as the saver prints it. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        boolean v6 = from.map(a -> !a.isV4()).orElse(false);
        if (from.isPresent()) {
            boolean brackets = v6 && ports.isPresent();
            sb.append(brackets ? "[" : "").append(from.get());
            if (!to.get().equals(from.get())) {
                sb.append('-').append(to.get());
            }
            sb.append(brackets ? "]" : "");
        }
        ports.ifPresent(p -> sb.append(':').append(p.toString('-')));
        return sb.toString();
    }
}
