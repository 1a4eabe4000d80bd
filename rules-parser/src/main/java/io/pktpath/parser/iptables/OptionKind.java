package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** The argument shape of a match option: how many tokens it takes and how they become an {@link OptionValue}. */
enum OptionKind {
    FLAG(0), PORTS(1), PORT_LIST(1), ADDRESS(1), IP(1), ADDRESS_RANGE(1), MARK(1), NUMBER(1), NUMBER_RANGE(1), TEXT(1),
    WORDS(1), TCP_FLAGS(2), SET_REF(2), PROBABILITY(1), ICMP_TYPE(1), ICMP6_TYPE(1), RATE(1);

    private final int arity;

    OptionKind(int arity) {
        this.arity = arity;
    }

    int arity() {
        return arity;
    }

    /** True if one argument's value depends on its text alone (not on the dump's address family). */
    boolean fromWordAlone() {
        return arity == 1 && this != ADDRESS && this != IP && this != ADDRESS_RANGE;
    }

    /** The diagnostic code for a malformed value of this kind. */
    IptCode errorCode() {
        return switch (this) {
            case PORTS, PORT_LIST -> IptCode.IPT007;
            case ADDRESS, IP, ADDRESS_RANGE -> IptCode.IPT006;
            case PROBABILITY -> IptCode.IPT008;
            default -> IptCode.IPT015;
        };
    }

    /** The value of the argument {@code a} (and {@code b}, for a two-argument kind; else ignored). */
    OptionValue parse(String a, String b, AddressReader addresses) throws InvalidValueException {
        return switch (this) {
            case FLAG -> new OptionValue.Flag();
            case PORTS -> new OptionValue.Ports(PortRange.parse(a));
            case PORT_LIST -> portList(a);
            case ADDRESS -> new OptionValue.Address(addresses.cidr(a));
            case IP -> new OptionValue.Ip(addresses.address(a));
            case ADDRESS_RANGE -> addressRange(a, addresses);
            case MARK -> mark(a);
            case NUMBER -> new OptionValue.Number(number(a));
            case NUMBER_RANGE -> numberRange(a);
            case TEXT -> new OptionValue.Text(a);
            case WORDS -> new OptionValue.Words(List.of(a.split(",", -1)));
            case TCP_FLAGS -> new OptionValue.TcpFlags(tcpFlags(a), tcpFlags(b));
            case SET_REF -> new OptionValue.SetRef(a, List.of(b.split(",", -1)));
            case PROBABILITY -> probability(a);
            case ICMP_TYPE -> IcmpTypes.parse(a, false);
            case ICMP6_TYPE -> IcmpTypes.parse(a, true);
            case RATE -> rate(a);
        };
    }

    private static OptionValue.PortList portList(String text) throws InvalidValueException {
        List<PortRange> ports = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            ports.add(PortRange.parse(part));
        }
        return new OptionValue.PortList(ports);
    }

    private static OptionValue.AddressRange addressRange(String text, AddressReader addresses) throws InvalidValueException {
        int dash = text.indexOf('-');
        if (dash < 0) {
            IpAddress one = addresses.address(text);
            return new OptionValue.AddressRange(one, one);
        }
        IpAddress from = addresses.address(text.substring(0, dash));
        IpAddress to = addresses.address(text.substring(dash + 1));
        if (from.compareTo(to) > 0) {
            throw new InvalidValueException("address range '" + text + "' runs backwards", "from-to with from <= to");
        }
        return new OptionValue.AddressRange(from, to);
    }

    private static OptionValue.MarkMask mark(String text) throws InvalidValueException {
        int slash = text.indexOf('/');
        long value = u32(slash < 0 ? text : text.substring(0, slash), text);
        if (slash < 0) {
            return new OptionValue.MarkMask(value, 0xffffffffL, false);
        }
        return new OptionValue.MarkMask(value, u32(text.substring(slash + 1), text), true);
    }

    /** A 32-bit number in decimal or 0x hex, as strtoul(…, 0) reads it. */
    static long u32(String part, String whole) throws InvalidValueException {
        long v;
        try {
            v = part.startsWith("0x") || part.startsWith("0X") ? Long.parseLong(part.substring(2), 16) : Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + whole + "' is not a 32-bit value", "a number such as 0x4000 or 16, optionally /mask");
        }
        if (v < 0 || v > 0xffffffffL) {
            throw new InvalidValueException("'" + whole + "' does not fit in 32 bits", "a value 0-0xffffffff");
        }
        return v;
    }

    private static long number(String text) throws InvalidValueException {
        if (text.isEmpty() || text.length() > 18 || !Digits.only(text)) {
            throw new InvalidValueException("'" + text + "' is not a number", "a decimal number");
        }
        return Long.parseLong(text);
    }

    private static OptionValue.NumberRange numberRange(String text) throws InvalidValueException {
        int colon = text.indexOf(':');
        if (colon < 0) {
            long v = number(text);
            return new OptionValue.NumberRange(v, v);
        }
        long from = number(text.substring(0, colon));
        long to = number(text.substring(colon + 1));
        if (from > to) {
            throw new InvalidValueException("range '" + text + "' runs backwards", "min:max with min <= max");
        }
        return new OptionValue.NumberRange(from, to);
    }

    private static int tcpFlags(String text) throws InvalidValueException {
        if (text.equals("ALL")) {
            return 0x3f;
        }
        if (text.equals("NONE")) {
            return 0;
        }
        int bits = 0;
        for (String name : text.split(",", -1)) {
            int i = OptionValue.TcpFlags.NAMES.indexOf(name);
            if (i < 0) {
                throw new InvalidValueException("'" + name + "' is not a TCP flag in '" + text + "'",
                        "a comma list of FIN,SYN,RST,PSH,ACK,URG,ECE,CWR, or ALL or NONE");
            }
            bits |= 1 << i;
        }
        return bits;
    }

    private static OptionValue.Probability probability(String text) throws InvalidValueException {
        BigDecimal p;
        try {
            p = new BigDecimal(text);
        } catch (NumberFormatException e) {
            p = null;
        }
        if (p == null || p.signum() < 0 || p.compareTo(BigDecimal.ONE) > 0) {
            throw new InvalidValueException("'" + text + "' is not a probability", "a decimal number from 0 to 1, such as 0.25");
        }
        long numerator = p.multiply(BigDecimal.valueOf(OptionValue.Probability.SCALE)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return new OptionValue.Probability(numerator);
    }

    private static OptionValue.Rate rate(String text) throws InvalidValueException {
        int slash = text.indexOf('/');
        String count = slash < 0 ? text : text.substring(0, slash);
        if (count.isEmpty() || count.length() > 12 || !Digits.only(count)) {
            throw new InvalidValueException("'" + text + "' is not a rate", "N/unit such as 5/sec, 10/minute, 3/hour");
        }
        return new OptionValue.Rate(Long.parseLong(count), slash < 0 ? "sec" : text.substring(slash + 1));
    }
}
