package io.pktpath.parser.ipset;

import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.PortRange;

import java.util.Locale;
import java.util.Objects;

/** One dimension's value in an ipset entry: an address or network, a protocol:port range, a MAC, an interface, a mark or a set name. */
public sealed interface SetElement {
    /** An address ({@code ip}, as a host prefix) or a network ({@code net}). */
    record Address(Cidr cidr) implements SetElement {
        public Address {
            Objects.requireNonNull(cidr, "cidr");
        }
    }

    /** A port range of a protocol ({@code tcp}, {@code udp}, {@code sctp}, {@code udplite}, {@code icmp}, ...); icmp ports are type&lt;&lt;8|code. */
    record Port(String protocol, PortRange range) implements SetElement {
        public Port {
            protocol = protocol.toLowerCase(Locale.ROOT);
            Objects.requireNonNull(range, "range");
        }
    }

    /** A MAC address, lower-case. */
    record Mac(String mac) implements SetElement {
        public Mac {
            mac = mac.toLowerCase(Locale.ROOT);
        }
    }

    /** An interface name ({@code physdev:} prefix kept apart). */
    record Iface(String name, boolean physdev) implements SetElement {
        public Iface {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A packet mark. */
    record Mark(long mark) implements SetElement {
    }

    /** A member set of a {@code list:set}. */
    record SetName(String name) implements SetElement {
        public SetName {
            Objects.requireNonNull(name, "name");
        }
    }
}
