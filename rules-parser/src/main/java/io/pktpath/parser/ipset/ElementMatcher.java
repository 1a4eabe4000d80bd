package io.pktpath.parser.ipset;

import java.util.List;

/** Compares set elements with packet probes, one dimension at a time. */
final class ElementMatcher {
    private ElementMatcher() {
    }

    static boolean matchesAll(List<SetElement> elements, List<SetProbe> probes) {
        for (int i = 0; i < elements.size(); i++) {
            if (!matches(elements.get(i), probes.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(SetElement element, SetProbe probe) {
        if (element instanceof SetElement.Address a && probe instanceof SetProbe.Address p) {
            return a.cidr().contains(p.address());
        }
        if (element instanceof SetElement.Port e && probe instanceof SetProbe.Port p) {
            return protocolMatches(e.protocol(), p.protocol()) && e.range().contains(p.port());
        }
        if (element instanceof SetElement.Mac e && probe instanceof SetProbe.Mac p) {
            return e.mac().equals(p.mac());
        }
        if (element instanceof SetElement.Iface e && probe instanceof SetProbe.Iface p) {
            return ifaceMatches(e, p.name());
        }
        if (element instanceof SetElement.Mark e && probe instanceof SetProbe.Mark p) {
            return e.mark() == p.mark();
        }
        return false;
    }

    /**
     * hash_netiface4_data_equal: the whole name, or its start for a wildcard entry; iptables looks up the in or out
     * device, never a bridge port, so a physdev entry does not match.
     */
    private static boolean ifaceMatches(SetElement.Iface entry, String name) {
        return !entry.physdev() && (entry.wildcard() ? name.startsWith(entry.name()) : name.equals(entry.name()));
    }

    /** Equal protocols; a bitmap:port entry (no protocol) answers for TCP and UDP only, as ip_set_get_ip_port does. */
    private static boolean protocolMatches(int entry, int packet) {
        if (entry == SetElement.Port.NO_PROTOCOL) {
            return packet == ProtocolNumbers.TCP || packet == ProtocolNumbers.UDP;
        }
        return entry == packet;
    }

    /** Total prefix length of the address dimensions: the longest (most specific) matching entry decides. */
    static int specificity(SetEntry entry) {
        int sum = 0;
        for (SetElement e : entry.elements()) {
            if (e instanceof SetElement.Address a) {
                sum += a.cidr().prefixLength();
            }
        }
        return sum;
    }
}
