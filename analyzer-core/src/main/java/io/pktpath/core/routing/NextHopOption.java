package io.pktpath.core.routing;

import io.pktpath.parser.net.IpAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * One next hop a route offers: the gateway (empty when the destination is on-link), the device, the multipath weight,
 * and the MTU a packet forwarded through it must fit ({@code forwardMtu}, 0 when unknown; see {@link ForwardMtu}).
 */
public record NextHopOption(Optional<IpAddress> via, String dev, int weight, int forwardMtu) {
    public NextHopOption {
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(dev, "dev");
    }

    /** As iproute2 prints it: {@code via 10.0.0.1 dev eth0 weight 1}. */
    @Override
    public String toString() {
        return via.map(v -> "via " + v + " ").orElse("") + "dev " + dev + " weight " + weight;
    }
}
