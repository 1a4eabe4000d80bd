package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.PortRange;
import java.util.Objects;
import java.util.Optional;

/** {@code -j REDIRECT [--to-ports p[-q]] [--random] [--random-fully]}: destination NAT to the incoming interface's primary address, or loopback in OUTPUT, semantics §5.5. */
public record Redirect(Optional<PortRange> toPorts, boolean random, boolean randomFully) implements Target {
    public Redirect {
        Objects.requireNonNull(toPorts, "toPorts");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j REDIRECT" + toPorts.map(p -> " --to-ports " + p.toString('-')).orElse("") + (random ? " --random" : "")
                + (randomFully ? " --random-fully" : "");
    }
}
