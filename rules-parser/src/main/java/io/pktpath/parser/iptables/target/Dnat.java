package io.pktpath.parser.iptables.target;

import java.util.Objects;

/** {@code -j DNAT --to-destination R [--random] [--random-fully] [--persistent]}: rewrites the destination of a new connection (nat PREROUTING/OUTPUT), semantics §5. */
public record Dnat(NatRange range, boolean random, boolean randomFully, boolean persistent) implements Target {
    public Dnat {
        Objects.requireNonNull(range, "range");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j DNAT --to-destination " + range.render() + (random ? " --random" : "") + (randomFully ? " --random-fully" : "")
                + (persistent ? " --persistent" : "");
    }
}
