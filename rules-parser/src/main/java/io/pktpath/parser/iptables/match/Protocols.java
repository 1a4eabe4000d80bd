package io.pktpath.parser.iptables.match;

import io.pktpath.parser.net.Digits;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** IP protocol names as iptables prints them ({@code /etc/protocols} names), and their numbers. */
public final class Protocols {
    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("all", 0), Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("ipencap", 4), Map.entry("tcp", 6),
            Map.entry("egp", 8), Map.entry("udp", 17), Map.entry("ipv6", 41), Map.entry("ipv6-route", 43),
            Map.entry("ipv6-frag", 44), Map.entry("rsvp", 46), Map.entry("gre", 47), Map.entry("esp", 50),
            Map.entry("ah", 51), Map.entry("ipv6-icmp", 58), Map.entry("ipv6-nonxt", 59), Map.entry("ipv6-opts", 60),
            Map.entry("ospf", 89), Map.entry("ipip", 94), Map.entry("pim", 103), Map.entry("vrrp", 112),
            Map.entry("l2tp", 115), Map.entry("sctp", 132), Map.entry("mh", 135), Map.entry("udplite", 136),
            Map.entry("dccp", 33), Map.entry("icmpv6", 58));
    private static final Map<Integer, String> CANONICAL = Map.ofEntries(
            Map.entry(0, "all"), Map.entry(1, "icmp"), Map.entry(2, "igmp"), Map.entry(4, "ipencap"), Map.entry(6, "tcp"),
            Map.entry(8, "egp"), Map.entry(17, "udp"), Map.entry(41, "ipv6"), Map.entry(43, "ipv6-route"),
            Map.entry(44, "ipv6-frag"), Map.entry(46, "rsvp"), Map.entry(47, "gre"), Map.entry(50, "esp"),
            Map.entry(51, "ah"), Map.entry(58, "ipv6-icmp"), Map.entry(59, "ipv6-nonxt"), Map.entry(60, "ipv6-opts"),
            Map.entry(89, "ospf"), Map.entry(94, "ipip"), Map.entry(103, "pim"), Map.entry(112, "vrrp"),
            Map.entry(115, "l2tp"), Map.entry(132, "sctp"), Map.entry(135, "mh"), Map.entry(136, "udplite"),
            Map.entry(33, "dccp"));

    private Protocols() {
    }

    /** The number for a name or decimal number, if known. */
    public static Optional<Integer> number(String text) {
        Integer n = BY_NAME.get(text.toLowerCase(Locale.ROOT));
        if (n != null) {
            return Optional.of(n);
        }
        if (!text.isEmpty() && text.length() <= 3 && Digits.only(text)) {
            int v = Integer.parseInt(text);
            return v <= 255 ? Optional.of(v) : Optional.empty();
        }
        return Optional.empty();
    }

    /** The name iptables-save prints for a number (the number itself when it has no name). */
    public static String name(int number) {
        String name = CANONICAL.get(number);
        return name != null ? name : Integer.toString(number);
    }
}
