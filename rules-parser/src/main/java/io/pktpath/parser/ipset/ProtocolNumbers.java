package io.pktpath.parser.ipset;

import io.pktpath.parser.net.Digits;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * IP protocol numbers for the names {@code ipset save} prints (getprotobynumber's name from /etc/protocols, so
 * {@code gre}, {@code ipv6-icmp}) and {@code ipset restore} reads (getprotobyname: names and aliases, plus
 * {@code icmpv6}); a number 1-255 stands for itself. Protocol 0 is not one ipset stores.
 */
public final class ProtocolNumbers {
    /** netbase's /etc/protocols: names and aliases, lower-cased. */
    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("ggp", 3), Map.entry("ipencap", 4),
            Map.entry("ip-encap", 4), Map.entry("st", 5), Map.entry("tcp", 6), Map.entry("egp", 8), Map.entry("igp", 9),
            Map.entry("pup", 12), Map.entry("udp", 17), Map.entry("hmp", 20), Map.entry("xns-idp", 22),
            Map.entry("rdp", 27), Map.entry("iso-tp4", 29), Map.entry("dccp", 33), Map.entry("xtp", 36),
            Map.entry("ddp", 37), Map.entry("idpr-cmtp", 38), Map.entry("ipv6", 41), Map.entry("ipv6-route", 43),
            Map.entry("ipv6-frag", 44), Map.entry("idrp", 45), Map.entry("rsvp", 46), Map.entry("gre", 47),
            Map.entry("esp", 50), Map.entry("ipsec-esp", 50), Map.entry("ah", 51), Map.entry("ipsec-ah", 51),
            Map.entry("skip", 57), Map.entry("ipv6-icmp", 58), Map.entry("icmpv6", 58), Map.entry("ipv6-nonxt", 59),
            Map.entry("ipv6-opts", 60), Map.entry("rspf", 73), Map.entry("cphb", 73), Map.entry("vmtp", 81),
            Map.entry("eigrp", 88), Map.entry("ospf", 89), Map.entry("ospfigp", 89), Map.entry("ax.25", 93),
            Map.entry("ipip", 94), Map.entry("etherip", 97), Map.entry("encap", 98), Map.entry("pim", 103),
            Map.entry("ipcomp", 108), Map.entry("vrrp", 112), Map.entry("l2tp", 115), Map.entry("isis", 124),
            Map.entry("sctp", 132), Map.entry("fc", 133), Map.entry("mobility-header", 135), Map.entry("ipv6-mh", 135),
            Map.entry("udplite", 136), Map.entry("mpls-in-ip", 137), Map.entry("manet", 138), Map.entry("hip", 139),
            Map.entry("shim6", 140), Map.entry("wesp", 141), Map.entry("rohc", 142), Map.entry("ethernet", 143));

    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;
    static final int UDPLITE = 136;

    private ProtocolNumbers() {
    }

    /** The number of a protocol name or of a number 1-255; empty for anything else. */
    static OptionalInt of(String text) {
        Integer named = BY_NAME.get(text.toLowerCase(Locale.ROOT));
        if (named != null) {
            return OptionalInt.of(named);
        }
        if (!text.isEmpty() && text.length() <= 3 && Digits.only(text)) {
            int n = Integer.parseInt(text);
            return n >= 1 && n <= 255 ? OptionalInt.of(n) : OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    /** Whether entries of the protocol carry real ports (ip_set_proto_with_ports); others are stored with port 0. */
    public static boolean hasPorts(int protocol) {
        return protocol == TCP || protocol == UDP || protocol == SCTP || protocol == UDPLITE;
    }
}
