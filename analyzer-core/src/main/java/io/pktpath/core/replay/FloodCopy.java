package io.pktpath.core.replay;

import java.util.Objects;

/**
 * One copy a bridge flooded a received multicast (or broadcast) to: the port it left by and the capture frame that shows
 * it leaving there (br_flood clones the frame for each port, and br_netfilter runs FORWARD and POSTROUTING on each clone).
 */
public record FloodCopy(String port, long frame) {
    public FloodCopy {
        Objects.requireNonNull(port, "port");
    }
}
