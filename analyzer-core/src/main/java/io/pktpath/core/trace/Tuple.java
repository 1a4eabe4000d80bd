package io.pktpath.core.trace;

import io.pktpath.core.packet.Addresses;
import io.pktpath.parser.net.IpAddress;
import java.util.Objects;

/**
 * A conntrack-style tuple: protocol, source and destination address and L4 id (ports for TCP/UDP/SCTP, the echo id as
 * the source id for ICMP, 0 where the protocol has none).
 */
public record Tuple(int protocol, IpAddress src, int sport, IpAddress dst, int dport) {
    public Tuple {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
    }

    /** Same protocol, addresses and ids (written out, identity first: the replay compares tuples for every packet). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Tuple t && sport == t.sport && dport == t.dport && protocol == t.protocol
                && src.equals(t.src) && dst.equals(t.dst);
    }

    @Override
    public int hashCode() {
        return ((protocol * 31 + src.hashCode()) * 31 + sport) * 31 + dst.hashCode() * 31 + dport;
    }

    /** The tuple a reply would carry when nothing is NATed. */
    public Tuple inverse() {
        return new Tuple(protocol, dst, dport, src, sport);
    }

    public boolean hasPorts() {
        return protocol == 6 || protocol == 17 || protocol == 132 || protocol == 136 || protocol == 33;
    }

    /** {@code 10.0.0.1:1234 -> 10.96.0.10:80} (IPv6 addresses in brackets when a port follows). */
    @Override
    public String toString() {
        return appendTo(new StringBuilder(48)).toString();
    }

    /** Appends what {@link #toString} returns. */
    public StringBuilder appendTo(StringBuilder sb) {
        return appendDestination(appendSource(sb).append(" -> "));
    }

    /** Appends the source as {@link #toString} prints it: with its port when the protocol has ports. */
    public StringBuilder appendSource(StringBuilder sb) {
        return appendEndpoint(sb, src, sport);
    }

    /** Appends the destination as {@link #toString} prints it: with its port when the protocol has ports. */
    public StringBuilder appendDestination(StringBuilder sb) {
        return appendEndpoint(sb, dst, dport);
    }

    private StringBuilder appendEndpoint(StringBuilder sb, IpAddress address, int port) {
        return hasPorts() ? Addresses.appendEndpoint(sb, address, port) : Addresses.append(sb, address);
    }
}
