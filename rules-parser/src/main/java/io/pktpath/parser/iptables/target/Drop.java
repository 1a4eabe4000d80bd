package io.pktpath.parser.iptables.target;

/** {@code -j DROP}: the packet is discarded silently. */
public record Drop() implements Target {
    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j DROP";
    }
}
