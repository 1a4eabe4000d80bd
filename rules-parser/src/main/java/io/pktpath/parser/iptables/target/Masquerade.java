package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.PortRange;
import java.util.Objects;
import java.util.Optional;

/** {@code -j MASQUERADE [--to-ports p[-q]] [--random] [--random-fully]}: source NAT to the output interface's address (nat POSTROUTING), semantics §5.4. */
public record Masquerade(Optional<PortRange> toPorts, boolean random, boolean randomFully) implements Target {
    public Masquerade {
        Objects.requireNonNull(toPorts, "toPorts");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j MASQUERADE" + toPorts.map(p -> " --to-ports " + p.toString('-')).orElse("") + (random ? " --random" : "")
                + (randomFully ? " --random-fully" : "");
    }
}
