package io.pktpath.parser.iproute;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One network interface as {@code ip [-d] addr}/{@code ip [-d] link} (text or {@code -j} JSON) shows it: the
 * {@code @peer} suffix of {@code veth0@if5} is kept apart from the name, flags are the {@code <...>} list;
 * {@code hairpin} is a bridge port's hairpin mode as {@code ip -d link} shows it ({@code bridge_slave ... hairpin on|off},
 * JSON {@code linkinfo.info_slave_data.hairpin}), empty when the listing does not say (no {@code -d}, not a bridge port).
 */
public record NetInterface(int index, String name, Optional<String> peer, Set<String> flags, int mtu, String operState,
                           String linkType, Optional<String> mac, Optional<String> master, Optional<String> kind,
                           List<InterfaceAddress> addresses, Optional<Boolean> hairpin) {
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
        Objects.requireNonNull(hairpin, "hairpin");
    }

    /** An interface without a known hairpin mode (listings without {@code -d}). */
    public NetInterface(int index, String name, Optional<String> peer, Set<String> flags, int mtu, String operState,
                        String linkType, Optional<String> mac, Optional<String> master, Optional<String> kind,
                        List<InterfaceAddress> addresses) {
        this(index, name, peer, flags, mtu, operState, linkType, mac, master, kind, addresses, Optional.empty());
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
        return new NetInterface(index, name, peer, flags, mtu, operState, linkType, mac, master, kind, newAddresses,
                hairpin);
    }

    /** The same interface with the bridge port's hairpin mode another listing of it showed. */
    public NetInterface withHairpin(boolean on) {
        return new NetInterface(index, name, peer, flags, mtu, operState, linkType, mac, master, kind, addresses,
                Optional.of(on));
    }
}
