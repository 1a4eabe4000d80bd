package io.pktpath.core.netfilter;

import io.pktpath.parser.ipset.SetProbe;
import java.util.List;
import java.util.Objects;

/** One element of one ipset as a SET target adds or deletes it: the set's name and the packet's value per dimension. */
public record IpsetKey(String set, List<SetProbe> element) {
    public IpsetKey {
        Objects.requireNonNull(set, "set");
        element = List.copyOf(element);
    }

    /** The element as {@code ipset save} writes it, e.g. {@code 10.0.0.5} or {@code 10.0.0.5,tcp:22}. */
    public String elementText() {
        StringBuilder b = new StringBuilder();
        for (SetProbe p : element) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(text(p));
        }
        return b.toString();
    }

    private static String text(SetProbe p) {
        if (p instanceof SetProbe.Address a) {
            return a.address().toString();
        }
        if (p instanceof SetProbe.Port port) {
            String proto = switch (port.protocol()) {
                case 6 -> "tcp";
                case 17 -> "udp";
                case 132 -> "sctp";
                case 136 -> "udplite";
                case 1 -> "icmp";
                case 58 -> "icmpv6";
                default -> String.valueOf(port.protocol());
            };
            if (port.protocol() == 1 || port.protocol() == 58) {
                return proto + ":" + (port.port() >> 8) + "/" + (port.port() & 0xff);
            }
            return proto + ":" + port.port();
        }
        if (p instanceof SetProbe.Mac m) {
            return m.mac();
        }
        if (p instanceof SetProbe.Iface i) {
            return i.name();
        }
        return "0x" + Long.toHexString(((SetProbe.Mark) p).mark());
    }
}
