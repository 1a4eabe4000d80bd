package io.pktpath.parser.iptables.target;

import java.util.Objects;

/** {@code -j REJECT [--reject-with X]}: drop and answer with an ICMP error or a TCP RST; {@code written} keeps whether the option was in the text. */
public record Reject(RejectWith with, boolean written) implements Target {
    public Reject {
        Objects.requireNonNull(with, "with");
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return written ? "-j REJECT --reject-with " + with.printed() : "-j REJECT";
    }
}
