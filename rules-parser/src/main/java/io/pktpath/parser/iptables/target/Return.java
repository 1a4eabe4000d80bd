package io.pktpath.parser.iptables.target;

/** {@code -j RETURN}: back to the calling chain, or the policy in a built-in chain. */
public record Return() implements Target {
    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-j RETURN";
    }
}
