package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.net.Digits;
import java.util.Map;

/** ICMP and ICMPv6 type names as {@code iptables -p icmp -h} lists them, mapped to type and code (code -1: any). */
final class IcmpTypes {
    private static final Map<String, int[]> V4 = Map.ofEntries(
            Map.entry("echo-reply", new int[] {0, -1}), Map.entry("pong", new int[] {0, -1}),
            Map.entry("destination-unreachable", new int[] {3, -1}), Map.entry("network-unreachable", new int[] {3, 0}),
            Map.entry("host-unreachable", new int[] {3, 1}), Map.entry("protocol-unreachable", new int[] {3, 2}),
            Map.entry("port-unreachable", new int[] {3, 3}), Map.entry("fragmentation-needed", new int[] {3, 4}),
            Map.entry("source-route-failed", new int[] {3, 5}), Map.entry("network-prohibited", new int[] {3, 9}),
            Map.entry("host-prohibited", new int[] {3, 10}), Map.entry("communication-prohibited", new int[] {3, 13}),
            Map.entry("source-quench", new int[] {4, -1}), Map.entry("redirect", new int[] {5, -1}),
            Map.entry("echo-request", new int[] {8, -1}), Map.entry("ping", new int[] {8, -1}),
            Map.entry("router-advertisement", new int[] {9, -1}), Map.entry("router-solicitation", new int[] {10, -1}),
            Map.entry("time-exceeded", new int[] {11, -1}), Map.entry("ttl-exceeded", new int[] {11, -1}),
            Map.entry("ttl-zero-during-transit", new int[] {11, 0}), Map.entry("ttl-zero-during-reassembly", new int[] {11, 1}),
            Map.entry("parameter-problem", new int[] {12, -1}), Map.entry("timestamp-request", new int[] {13, -1}),
            Map.entry("timestamp-reply", new int[] {14, -1}), Map.entry("address-mask-request", new int[] {17, -1}),
            Map.entry("address-mask-reply", new int[] {18, -1}));
    private static final Map<String, int[]> V6 = Map.ofEntries(
            Map.entry("destination-unreachable", new int[] {1, -1}), Map.entry("no-route", new int[] {1, 0}),
            Map.entry("communication-prohibited", new int[] {1, 1}), Map.entry("address-unreachable", new int[] {1, 3}),
            Map.entry("port-unreachable", new int[] {1, 4}), Map.entry("packet-too-big", new int[] {2, -1}),
            Map.entry("time-exceeded", new int[] {3, -1}), Map.entry("ttl-exceeded", new int[] {3, -1}),
            Map.entry("parameter-problem", new int[] {4, -1}), Map.entry("echo-request", new int[] {128, -1}),
            Map.entry("ping", new int[] {128, -1}), Map.entry("echo-reply", new int[] {129, -1}),
            Map.entry("pong", new int[] {129, -1}), Map.entry("router-solicitation", new int[] {133, -1}),
            Map.entry("router-advertisement", new int[] {134, -1}), Map.entry("neighbour-solicitation", new int[] {135, -1}),
            Map.entry("neighbor-solicitation", new int[] {135, -1}), Map.entry("neighbour-advertisement", new int[] {136, -1}),
            Map.entry("neighbor-advertisement", new int[] {136, -1}), Map.entry("redirect", new int[] {137, -1}));

    private IcmpTypes() {
    }

    static OptionValue.IcmpType parse(String text, boolean v6) throws InvalidValueException {
        if (text.equals("any")) {
            return new OptionValue.IcmpType(true, -1, -1);
        }
        int[] named = (v6 ? V6 : V4).get(text);
        if (named != null) {
            return new OptionValue.IcmpType(false, named[0], named[1]);
        }
        int slash = text.indexOf('/');
        int type = small(slash < 0 ? text : text.substring(0, slash), text, v6);
        int code = slash < 0 ? -1 : small(text.substring(slash + 1), text, v6);
        return new OptionValue.IcmpType(false, type, code);
    }

    private static int small(String part, String whole, boolean v6) throws InvalidValueException {
        if (part.isEmpty() || part.length() > 3 || !Digits.only(part) || Integer.parseInt(part) > 255) {
            throw new InvalidValueException("'" + whole + "' is not an " + (v6 ? "ICMPv6" : "ICMP") + " type",
                    "a type name, 'any', or type[/code] with numbers 0-255");
        }
        return Integer.parseInt(part);
    }
}
