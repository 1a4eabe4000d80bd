package io.pktpath.core.engine;

/** Address classes of {@code -m addrtype}, from the node's local routing table (netfilter-semantics §4.2). */
public enum AddrType {
    UNSPEC, UNICAST, LOCAL, BROADCAST, ANYCAST, MULTICAST, BLACKHOLE, UNREACHABLE, PROHIBIT, THROW, NAT, XRESOLVE
}
