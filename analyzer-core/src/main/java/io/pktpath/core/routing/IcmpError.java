package io.pktpath.core.routing;

import java.util.Objects;

/** An ICMP/ICMPv6 error the kernel sends back for a routing failure (netfilter-semantics §6.2), e.g. type 3 code 1. */
public record IcmpError(int type, int code, String name) {
    public IcmpError {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return "ICMP " + type + "/" + code + " " + name;
    }
}
