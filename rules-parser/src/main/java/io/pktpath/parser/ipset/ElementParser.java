package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parses the comma-separated element of an {@code add} line according to the set's dimensions (ipset(8)). */
final class ElementParser {
    private static final Map<String, Integer> ICMP_NAMES = Map.of("echo-reply", 0, "destination-unreachable", 3 << 8,
            "echo-request", 8 << 8, "time-exceeded", 11 << 8, "port-unreachable", (3 << 8) | 3,
            "host-unreachable", (3 << 8) | 1, "echo-reply-v6", 129 << 8);

    private ElementParser() {
    }

    static List<SetElement> parse(String text, SetType type, IpFamily family) throws InvalidValueException {
        List<Dimension> dims = type.dimensions();
        String[] parts = text.split(",", -1);
        if (parts.length != dims.size()) {
            throw new InvalidValueException("element '" + text + "' has " + parts.length + " part(s) but " + type
                    + " has " + dims.size(), "an element with one part per dimension of " + type);
        }
        List<SetElement> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            out.add(one(parts[i], dims.get(i), type, family));
        }
        return out;
    }

    private static SetElement one(String part, Dimension dim, SetType type, IpFamily family) throws InvalidValueException {
        return switch (dim) {
            case IP, NET -> {
                Cidr c = Cidr.parse(part);
                if (c.family() != family) {
                    throw new InvalidValueException("'" + part + "' is not an address of family "
                            + (family == IpFamily.V4 ? "inet" : "inet6"), "an address of the set's family");
                }
                yield new SetElement.Address(c);
            }
            case PORT -> port(part, type.method().equals("bitmap"));
            case MAC -> {
                if (!part.matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")) {
                    throw new InvalidValueException("'" + part + "' is not a MAC address", "a MAC such as 02:00:00:00:00:01");
                }
                yield new SetElement.Mac(part);
            }
            case IFACE -> part.startsWith("physdev:") ? new SetElement.Iface(part.substring(8), true)
                    : new SetElement.Iface(part, false);
            case MARK -> new SetElement.Mark(number(part, "a mark such as 0x1"));
            case SET -> new SetElement.SetName(part);
        };
    }

    /** {@code proto:port}, {@code port} (tcp), {@code icmp:type/code} or an icmp name; bitmap:port has no protocol. */
    private static SetElement port(String part, boolean anyProtocol) throws InvalidValueException {
        int colon = part.indexOf(':');
        String proto = anyProtocol ? "any" : colon < 0 ? "tcp" : part.substring(0, colon);
        String value = colon < 0 ? part : part.substring(colon + 1);
        if (proto.equals("icmp") || proto.equals("icmpv6")) {
            return new SetElement.Port(proto, PortRange.single(icmp(value)));
        }
        return new SetElement.Port(proto, PortRange.parse(value, '-'));
    }

    private static int icmp(String value) throws InvalidValueException {
        Integer named = ICMP_NAMES.get(value);
        if (named != null) {
            return named;
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new InvalidValueException("unknown ICMP type '" + value + "'", "TYPE/CODE such as 8/0");
        }
        long t = number(value.substring(0, slash), "an ICMP type 0-255");
        long c = number(value.substring(slash + 1), "an ICMP code 0-255");
        if (t > 255 || c > 255) {
            throw new InvalidValueException("ICMP type/code '" + value + "' out of range", "TYPE/CODE each 0-255");
        }
        return (int) (t << 8 | c);
    }

    static long number(String s, String expected) throws InvalidValueException {
        try {
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + s + "' is not a number", expected);
        }
    }
}
