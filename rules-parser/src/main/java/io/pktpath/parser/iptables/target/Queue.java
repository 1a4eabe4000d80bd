package io.pktpath.parser.iptables.target;

/** {@code -j QUEUE}: handed to user space queue 0, so the verdict is unknown offline. */
public record Queue() implements Target {
    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j QUEUE";
    }
}
