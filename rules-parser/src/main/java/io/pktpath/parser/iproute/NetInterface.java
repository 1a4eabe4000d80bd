package io.pktpath.parser.iproute;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One network interface as {@code ip [-d] addr}/{@code ip [-d] link} (text or {@code -j} JSON) shows it: the
 * {@code @peer} suffix of {@code veth0@if5} is kept apart from the name, flags are the {@code <...>} list.
 */
public record NetInterface(int index, String name, Optional<String> peer, Set<String> flags, int mtu, String operState,
                           String linkType, Optional<String> mac, Optional<String> master, Optional<String> kind,
                           List<InterfaceAddress> addresses) {
    public NetInterface {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peer, "peer");
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
        Objects.requireNonNull(operState, "operState");
        Objects.requireNonNull(linkType, "linkType");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(kind, "kind");
        addresses = List.copyOf(addresses);
    }

    /** True when the interface is administratively up (flag UP). */
    public boolean isUp() {
        return flags.contains("UP");
    }

    /** True when the carrier is up (flag LOWER_UP). */
    public boolean hasCarrier() {
        return flags.contains("LOWER_UP");
    }

    /** The same interface with another address list (used to merge {@code ip link} with {@code ip addr}). */
    public NetInterface withAddresses(List<InterfaceAddress> newAddresses) {
        return new NetInterface(index, name, peer, flags, mtu, operState, linkType, mac, master, kind, newAddresses);
    }
}
