package io.pktpath.core.routing;

import java.util.Objects;

/** Whether the node answers an ARP request for a target received on an interface (own address or proxy_arp, §6.5), and why. */
public record ProxyArpDecision(boolean answers, String detail) {
    public ProxyArpDecision {
        Objects.requireNonNull(detail, "detail");
    }
}
