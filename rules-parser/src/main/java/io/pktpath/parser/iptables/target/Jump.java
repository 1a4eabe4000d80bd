package io.pktpath.parser.iptables.target;

import java.util.Objects;

/** {@code -j CHAIN}: evaluate a user chain; its verdict, if any, ends this chain, otherwise evaluation continues here. */
public record Jump(String chain) implements Target {
    public Jump {
        Objects.requireNonNull(chain, "chain");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-j " + chain;
    }
}
