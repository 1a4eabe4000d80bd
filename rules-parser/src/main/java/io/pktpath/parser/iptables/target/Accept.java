package io.pktpath.parser.iptables.target;

/** {@code -j ACCEPT}: the packet leaves this table accepted (later tables and hooks still run). */
public record Accept() implements Target {
    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j ACCEPT";
    }
}
