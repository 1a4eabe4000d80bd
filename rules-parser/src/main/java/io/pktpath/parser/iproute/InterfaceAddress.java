package io.pktpath.parser.iproute;

import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code inet}/{@code inet6} line of {@code ip addr}: the address with its prefix, scope ({@code global}, {@code link},
 * {@code host} or a number), {@code secondary}, broadcast, point-to-point peer, label and the other flags
 * ({@code dynamic}, {@code noprefixroute}, {@code tentative}, {@code deprecated}, {@code nodad}, ...).
 */
public record InterfaceAddress(Cidr cidr, String scope, boolean secondary, Optional<IpAddress> broadcast,
                               Optional<Cidr> peer, Optional<String> label, Set<String> flags) {
    public InterfaceAddress {
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(label, "label");
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
    }

    public IpFamily family() {
        return cidr.family();
    }

    /** The local address without its prefix. */
    public IpAddress address() {
        return cidr.address();
    }
}
