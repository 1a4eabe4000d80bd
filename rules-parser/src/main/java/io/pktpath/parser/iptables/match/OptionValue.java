package io.pktpath.parser.iptables.match;

import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;

/** The typed argument of one match option; {@link #render()} prints it in the saver's canonical form. */
public sealed interface OptionValue {

    /** The argument text(s) as iptables-save prints them (two arguments are separated by one space). */
    String render();

    /** An option without argument, such as {@code --syn} or {@code --rsource}. */
    record Flag() implements OptionValue {
        public String render() {
            return "";
        }
    }

    /** A port or port range: {@code 80}, {@code 1024:65535}. */
    record Ports(PortRange range) implements OptionValue {
        public Ports {
            Objects.requireNonNull(range, "range");
        }

        public String render() {
            return range.toString();
        }
    }

    /** A multiport list: {@code 80,443,8000:8080}. */
    record PortList(List<PortRange> ports) implements OptionValue {
        public PortList {
            ports = List.copyOf(ports);
        }

        public boolean contains(int port) {
            return ports.stream().anyMatch(r -> r.contains(port));
        }

        public String render() {
            StringBuilder sb = new StringBuilder();
            for (PortRange r : ports) {
                sb.append(sb.length() == 0 ? "" : ",").append(r);
            }
            return sb.toString();
        }
    }

    /** An address with prefix, printed {@code addr/len}. */
    record Address(Cidr cidr) implements OptionValue {
        public Address {
            Objects.requireNonNull(cidr, "cidr");
        }

        public String render() {
            return cidr.toString();
        }
    }

    /** A bare address, such as the {@code recent --mask}. */
    record Ip(IpAddress address) implements OptionValue {
        public Ip {
            Objects.requireNonNull(address, "address");
        }

        public String render() {
            return address.toString();
        }
    }

    /** An inclusive address range {@code a-b} (iprange). */
    record AddressRange(IpAddress from, IpAddress to) implements OptionValue {
        public AddressRange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        public boolean contains(IpAddress a) {
            return a.family() == from.family() && a.compareTo(from) >= 0 && a.compareTo(to) <= 0;
        }

        public String render() {
            return from + "-" + to;
        }
    }

    /** A mark test {@code value[/mask]}: {@code (mark & mask) == value}; the mask is 0xffffffff when not written. */
    record MarkMask(long value, long mask, boolean maskWritten) implements OptionValue {
        public boolean matches(long mark) {
            return (mark & mask) == value;
        }

        public String render() {
            return maskWritten ? "0x" + Long.toHexString(value) + "/0x" + Long.toHexString(mask) : "0x" + Long.toHexString(value);
        }
    }

    /** A decimal number. */
    record Number(long value) implements OptionValue {
        public String render() {
            return Long.toString(value);
        }
    }

    /** An inclusive numeric range {@code a[:b]} (length, ctexpire). */
    record NumberRange(long from, long to) implements OptionValue {
        public boolean contains(long v) {
            return v >= from && v <= to;
        }

        public String render() {
            return from == to ? Long.toString(from) : from + ":" + to;
        }
    }

    /** A free word or text (comment, prefix, name), quoted by the saver's rule. */
    record Text(String text) implements OptionValue {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        public String render() {
            return Quoting.quote(text);
        }
    }

    /** A comma-separated list of names ({@code --ctstate}, {@code --dst-type}, {@code --hashlimit-mode}). */
    record Words(List<String> words) implements OptionValue {
        public Words {
            words = List.copyOf(words);
        }

        public String render() {
            return String.join(",", words);
        }
    }

    /** {@code --tcp-flags MASK COMP} as bit sets (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32, ECE=64, CWR=128). */
    record TcpFlags(int mask, int comparison) implements OptionValue {
        /** Names in the saver's order. */
        public static final List<String> NAMES = List.of("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR");

        public boolean matches(int flags) {
            return (flags & mask) == comparison;
        }

        public String render() {
            return names(mask) + " " + names(comparison);
        }

        static String names(int bits) {
            if (bits == 0) {
                return "NONE";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < NAMES.size(); i++) {
                if ((bits & (1 << i)) != 0) {
                    sb.append(sb.length() == 0 ? "" : ",").append(NAMES.get(i));
                }
            }
            return sb.toString();
        }
    }

    /** {@code --match-set NAME src,dst}: the set and, per dimension, whether it is taken from the source. */
    record SetRef(String name, List<String> directions) implements OptionValue {
        public SetRef {
            Objects.requireNonNull(name, "name");
            directions = List.copyOf(directions);
        }

        public String render() {
            return Quoting.quote(name) + " " + String.join(",", directions);
        }
    }

    /**
     * {@code --probability p}: the kernel keeps {@code P = round(p * 2^31)} and matches with probability
     * {@code P / 2^31}, which the saver prints with 11 decimals (semantics §4.3).
     */
    record Probability(long numerator) implements OptionValue {
        public static final long SCALE = 1L << 31;

        public Probability {
            if (numerator < 0 || numerator > SCALE) {
                throw new IllegalArgumentException("probability numerator out of range: " + numerator);
            }
        }

        /** The exact matching probability {@code P / 2^31}. */
        public double probability() {
            return numerator / (double) SCALE;
        }

        public String render() {
            return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(SCALE), 11, RoundingMode.HALF_EVEN).toPlainString();
        }
    }

    /** An ICMP/ICMPv6 type with optional code ({@code code < 0}: any code), or {@code any}. */
    record IcmpType(boolean any, int type, int code) implements OptionValue {
        public boolean matches(int packetType, int packetCode) {
            return any || packetType == type && (code < 0 || code == packetCode);
        }

        public String render() {
            return any ? "any" : code < 0 ? Integer.toString(type) : type + "/" + code;
        }
    }

    /** A rate {@code N/unit} as limit and hashlimit write it. */
    record Rate(long count, String unit) implements OptionValue {
        public Rate {
            Objects.requireNonNull(unit, "unit");
        }

        public String render() {
            return count + "/" + unit;
        }
    }
}
