package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.Cidr;
import java.util.Objects;

/** {@code -j NETMAP --to addr/len}: {@code new = (old & ~mask) | (to & mask)} on the destination (PRE/OUT) or source (POST/IN). */
public record Netmap(Cidr to) implements Target {
    public Netmap {
        Objects.requireNonNull(to, "to");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j NETMAP --to " + to;
    }
}
