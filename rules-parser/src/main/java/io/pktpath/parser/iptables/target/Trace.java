package io.pktpath.parser.iptables.target;

/** {@code -j TRACE}: marks the packet for rule tracing; no effect on the verdict. */
public record Trace() implements Target {
    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-j TRACE";
    }
}
