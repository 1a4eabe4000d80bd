package io.pktpath.parser.iproute;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Collects one interface block of {@code ip addr}/{@code ip link} (or one JSON object) before building the record. */
final class InterfaceBuilder {
    int index;
    String name = "";
    Optional<String> peer = Optional.empty();
    final Set<String> flags = new LinkedHashSet<>();
    int mtu;
    String operState = "UNKNOWN";
    String linkType = "none";
    Optional<String> mac = Optional.empty();
    Optional<String> master = Optional.empty();
    Optional<String> kind = Optional.empty();
    final List<InterfaceAddress> addresses = new ArrayList<>();
    Optional<Boolean> hairpin = Optional.empty();

    NetInterface build() {
        return new NetInterface(index, name, peer, flags, mtu, operState, linkType, mac, master, kind, addresses, hairpin);
    }

    /** A link-layer address is kept as the MAC when it has the six-byte {@code aa:bb:cc:dd:ee:ff} shape. */
    static Optional<String> macOf(String address) {
        return address.matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}") ? Optional.of(address.toLowerCase(java.util.Locale.ROOT))
                : Optional.empty();
    }

    /** The device kinds {@code ip -d} prints on the line after {@code link/...} (rtnl_link_ops names). */
    static final Set<String> KINDS = Set.of("veth", "bridge", "vxlan", "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap",
            "bond", "team", "dummy", "ifb", "tun", "ipip", "gre", "gretap", "ip6gre", "ip6gretap", "ip6tnl", "sit",
            "geneve", "wireguard", "vrf", "openvswitch", "nlmon", "vcan", "vxcan", "netkit", "xfrm", "erspan",
            "ip6erspan", "bareudp", "macsec", "batadv", "hsr", "can", "ipoib", "vti", "vti6", "gtp", "amt", "rmnet");
}
