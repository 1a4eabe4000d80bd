package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Parses the comma-separated element of an {@code add} line according to the set's dimensions (ipset(8)). */
final class ElementParser {
    private ElementParser() {
    }

    /** The elements of {@code text}; {@code wildcard} (an entry option) makes an interface element a name prefix. */
    static List<SetElement> parse(String text, SetType type, IpFamily family, boolean wildcard)
            throws InvalidValueException {
        List<Dimension> dims = type.dimensions();
        String[] parts = text.split(",", -1);
        if (parts.length != dims.size()) {
            throw new InvalidValueException("element '" + text + "' has " + parts.length + " part(s) but " + type
                    + " has " + dims.size(), "an element with one part per dimension of " + type);
        }
        List<SetElement> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            out.add(one(parts[i], dims.get(i), type, family, wildcard));
        }
        return out;
    }

    private static SetElement one(String part, Dimension dim, SetType type, IpFamily family, boolean wildcard)
            throws InvalidValueException {
        return switch (dim) {
            case IP, NET -> {
                Cidr c = Cidr.parse(part);
                if (c.family() != family) {
                    throw new InvalidValueException("'" + part + "' is not an address of family "
                            + (family == IpFamily.V4 ? "inet" : "inet6"), "an address of the set's family");
                }
                yield new SetElement.Address(c);
            }
            case PORT -> port(part, type.method().equals("bitmap"), family);
            case MAC -> {
                if (!part.matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")) {
                    throw new InvalidValueException("'" + part + "' is not a MAC address", "a MAC such as 02:00:00:00:00:01");
                }
                yield new SetElement.Mac(part);
            }
            case IFACE -> part.startsWith("physdev:") ? new SetElement.Iface(part.substring(8), true, wildcard)
                    : new SetElement.Iface(part, false, wildcard);
            case MARK -> new SetElement.Mark(number(part, "a mark such as 0x1"));
            case SET -> new SetElement.SetName(part);
        };
    }

    /**
     * {@code proto:port}, {@code port} (tcp), {@code icmp:TYPE} or {@code icmpv6:TYPE} (a name of ipset's table of that
     * family, or type/code), or {@code proto:0} for a protocol without ports, as ipset_parse_proto_port reads them, with
     * the protocol as its number; bitmap:port has no protocol.
     */
    private static SetElement port(String part, boolean bitmap, IpFamily family) throws InvalidValueException {
        int colon = part.indexOf(':');
        String value = colon < 0 ? part : part.substring(colon + 1);
        if (bitmap) {
            return new SetElement.Port(SetElement.Port.NO_PROTOCOL, PortRange.parse(value, '-'));
        }
        if (colon < 0) {
            return new SetElement.Port(ProtocolNumbers.TCP, PortRange.parse(value, '-'));
        }
        String name = part.substring(0, colon);
        int proto = ProtocolNumbers.of(name).orElseThrow(() -> new InvalidValueException("unknown protocol '" + name
                + "' in '" + part + "'", "a protocol name of /etc/protocols such as tcp, udp, icmp or gre, or its number 1-255"));
        if (proto == ProtocolNumbers.ICMP || proto == ProtocolNumbers.ICMPV6) {
            boolean v6 = proto == ProtocolNumbers.ICMPV6;
            if (v6 != (family == IpFamily.V6)) {
                throw new InvalidValueException("protocol " + (v6 ? "ICMPv6" : "ICMP") + " in '" + part
                        + "' can be used with family " + (v6 ? "inet6" : "inet") + " only",
                        (v6 ? "icmp:TYPE in a family inet" : "icmpv6:TYPE in a family inet6") + " set");
            }
            return new SetElement.Port(proto, PortRange.single(icmp(value, v6)));
        }
        if (ProtocolNumbers.hasPorts(proto)) {
            return new SetElement.Port(proto, PortRange.parse(value, '-'));
        }
        if (!value.equals("0")) {
            throw new InvalidValueException("protocol " + name + " in '" + part + "' can be used with pseudo port value 0 only",
                    name + ":0");
        }
        return new SetElement.Port(proto, PortRange.single(0));
    }

    private static int icmp(String value, boolean v6) throws InvalidValueException {
        OptionalInt named = IcmpNames.typeCode(value, v6);
        if (named.isPresent()) {
            return named.getAsInt();
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            String kind = v6 ? "ICMPv6" : "ICMP";
            throw new InvalidValueException("unknown " + kind + " type '" + value + "'", "a name of ipset's " + kind
                    + " table such as echo-request, or TYPE/CODE such as " + (v6 ? "128/0" : "8/0"));
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
