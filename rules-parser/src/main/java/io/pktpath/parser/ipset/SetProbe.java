package io.pktpath.parser.ipset;

import io.pktpath.parser.net.IpAddress;

import java.util.Locale;
import java.util.Objects;

/** One packet value offered to a set lookup, in the order of the {@code --match-set NAME src,dst} directions. */
public sealed interface SetProbe {
    /** A packet address (source or destination, as the direction flag says). */
    record Address(IpAddress address) implements SetProbe {
        public Address {
            Objects.requireNonNull(address, "address");
        }
    }

    /** The packet's protocol number and port (icmp, icmpv6: type&lt;&lt;8|code; 0 for protocols without ports). */
    record Port(int protocol, int port) implements SetProbe {
    }

    /** A packet's source MAC address. */
    record Mac(String mac) implements SetProbe {
        public Mac {
            mac = mac.toLowerCase(Locale.ROOT);
        }
    }

    /** An input or output interface name. */
    record Iface(String name) implements SetProbe {
        public Iface {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The packet mark. */
    record Mark(long mark) implements SetProbe {
    }
}
