package io.pktpath.parser.iptables.target;

import java.util.Objects;

/** {@code -j SNAT --to-source R [--random] [--random-fully] [--persistent]}: rewrites the source of a new connection (nat POSTROUTING/INPUT), semantics §5. */
public record Snat(NatRange range, boolean random, boolean randomFully, boolean persistent) implements Target {
    public Snat {
        Objects.requireNonNull(range, "range");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j SNAT --to-source " + range.render() + (random ? " --random" : "") + (randomFully ? " --random-fully" : "")
                + (persistent ? " --persistent" : "");
    }
}
