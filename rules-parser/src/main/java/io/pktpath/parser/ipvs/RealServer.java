package io.pktpath.parser.ipvs;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;

/** One real server of an IPVS virtual service: its address and port, how packets reach it, and its weight. */
public record RealServer(IpAddress address, int port, ForwardMethod forward, int weight) {
    public RealServer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forward, "forward");
    }

    /** {@code 10.244.1.5:8080} or {@code [fd00::5]:8080}. */
    public String endpoint() {
        return VirtualService.endpoint(address, port);
    }
}
