package io.pktpath.parser.ipset;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The ICMP and ICMPv6 type/code names of ipset (lib/icmp.c, lib/icmpv6.c), which {@code ipset save} prints and
 * {@code ipset restore} reads: a name stands for the first entry, in table order, that starts with it, ignoring case.
 */
final class IcmpNames {
    /** One table row: a name and its type and code. */
    private record Name(String name, int type, int code) {
    }

    private static final List<Name> ICMP = List.of(
            new Name("echo-reply", 0, 0), new Name("pong", 0, 0),
            new Name("network-unreachable", 3, 0), new Name("host-unreachable", 3, 1),
            new Name("protocol-unreachable", 3, 2), new Name("port-unreachable", 3, 3),
            new Name("fragmentation-needed", 3, 4), new Name("source-route-failed", 3, 5),
            new Name("network-unknown", 3, 6), new Name("host-unknown", 3, 7),
            new Name("network-prohibited", 3, 9), new Name("host-prohibited", 3, 10),
            new Name("TOS-network-unreachable", 3, 11), new Name("TOS-host-unreachable", 3, 12),
            new Name("communication-prohibited", 3, 13), new Name("host-precedence-violation", 3, 14),
            new Name("precedence-cutoff", 3, 15), new Name("source-quench", 4, 0),
            new Name("network-redirect", 5, 0), new Name("host-redirect", 5, 1),
            new Name("TOS-network-redirect", 5, 2), new Name("TOS-host-redirect", 5, 3),
            new Name("echo-request", 8, 0), new Name("ping", 8, 0),
            new Name("router-advertisement", 9, 0), new Name("router-solicitation", 10, 0),
            new Name("ttl-zero-during-transit", 11, 0), new Name("ttl-zero-during-reassembly", 11, 1),
            new Name("ip-header-bad", 12, 0), new Name("required-option-missing", 12, 1),
            new Name("timestamp-request", 13, 0), new Name("timestamp-reply", 14, 0),
            new Name("address-mask-request", 17, 0), new Name("address-mask-reply", 18, 0));

    private static final List<Name> ICMPV6 = List.of(
            new Name("no-route", 1, 0), new Name("communication-prohibited", 1, 1),
            new Name("address-unreachable", 1, 3), new Name("port-unreachable", 1, 4),
            new Name("packet-too-big", 2, 0), new Name("ttl-zero-during-transit", 3, 0),
            new Name("ttl-zero-during-reassembly", 3, 1), new Name("bad-header", 4, 0),
            new Name("unknown-header-type", 4, 1), new Name("unknown-option", 4, 2),
            new Name("echo-request", 128, 0), new Name("ping", 128, 0),
            new Name("echo-reply", 129, 0), new Name("pong", 129, 0),
            new Name("router-solicitation", 133, 0), new Name("router-advertisement", 134, 0),
            new Name("neighbour-solicitation", 135, 0), new Name("neigbour-solicitation", 135, 0),
            new Name("neighbour-advertisement", 136, 0), new Name("neigbour-advertisement", 136, 0),
            new Name("redirect", 137, 0));

    private IcmpNames() {
    }

    /** type&lt;&lt;8|code for a name of the ICMP table (ICMPv6 table with {@code v6}), as ipset's name_to_icmp finds it. */
    static OptionalInt typeCode(String name, boolean v6) {
        if (name.isEmpty()) {
            return OptionalInt.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (Name n : v6 ? ICMPV6 : ICMP) {
            if (n.name().toLowerCase(Locale.ROOT).startsWith(lower)) {
                return OptionalInt.of(n.type() << 8 | n.code());
            }
        }
        return OptionalInt.empty();
    }
}
