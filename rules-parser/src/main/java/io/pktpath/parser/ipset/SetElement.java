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

    /**
     * A port range of a protocol by number: tcp, udp, sctp and udplite ports; icmp and icmpv6 type&lt;&lt;8|code; 0 for
     * other protocols; {@link #NO_PROTOCOL} for bitmap:port's ports.
     */
    record Port(int protocol, PortRange range) implements SetElement {
        /** The protocol of a bitmap:port entry, which has none: it holds TCP and UDP ports (bitmap_port_kadt). */
        public static final int NO_PROTOCOL = 0;

        public Port {
            Objects.requireNonNull(range, "range");
        }
    }

    /** A MAC address, lower-case. */
    record Mac(String mac) implements SetElement {
        public Mac {
            mac = mac.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An interface name ({@code physdev:} prefix kept apart, a bridge port); a {@code wildcard} entry stands for every
     * name that starts with it.
     */
    record Iface(String name, boolean physdev, boolean wildcard) implements SetElement {
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
