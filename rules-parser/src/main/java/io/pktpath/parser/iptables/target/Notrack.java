package io.pktpath.parser.iptables.target;

/** {@code -j NOTRACK}: the packet becomes UNTRACKED, skipping conntrack and NAT. */
public record Notrack() implements Target {
    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-j NOTRACK";
    }
}
