package io.pktpath.parser.iptables.target;

import java.util.Objects;
import java.util.Optional;

/** {@code -j NFQUEUE}: hands the packet to a user-space queue (or spreads over {@code --queue-balance a:b}); verdict unknown offline. */
public record Nfqueue(int queueNumber, Optional<Integer> balanceTo, boolean bypass, boolean cpuFanout) implements Target {
    public Nfqueue {
        Objects.requireNonNull(balanceTo, "balanceTo");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        String queue = balanceTo.map(b -> " --queue-balance " + queueNumber + ":" + b).orElse(" --queue-num " + queueNumber);
        return "-j NFQUEUE" + queue + (bypass ? " --queue-bypass" : "") + (cpuFanout ? " --queue-cpu-fanout" : "");
    }
}
