package io.pktpath.parser.iptables.target;

import java.util.Objects;

/** {@code -g CHAIN}: continue in a user chain that replaces this one; falling off it returns to this chain's caller. */
public record Goto(String chain) implements Target {
    public Goto {
        Objects.requireNonNull(chain, "chain");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-g " + chain;
    }
}
