package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/** Reads NAT ranges: {@code a[-b][:p[-q]]}, {@code [a6[-b6]]:p[-q]}, a bare IPv6 address or range, or {@code :p}. */
final class NatRangeParser {
    private NatRangeParser() {
    }

    static NatRange parse(String text, AddressReader addresses) throws InvalidValueException {
        String addressPart;
        String portPart = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(text);
            }
            addressPart = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(text);
                }
                portPart = rest.substring(1);
            }
        } else if (text.indexOf(':') != text.lastIndexOf(':')) {
            addressPart = text;
        } else {
            int colon = text.indexOf(':');
            addressPart = colon < 0 ? text : text.substring(0, colon);
            portPart = colon < 0 ? null : text.substring(colon + 1);
        }
        Optional<IpAddress> from = Optional.empty();
        Optional<IpAddress> to = Optional.empty();
        if (!addressPart.isEmpty()) {
            int dash = addressPart.indexOf('-');
            from = Optional.of(addresses.address(dash < 0 ? addressPart : addressPart.substring(0, dash)));
            to = dash < 0 ? from : Optional.of(addresses.address(addressPart.substring(dash + 1)));
        }
        Optional<PortRange> ports = portPart == null ? Optional.empty() : Optional.of(PortRange.parse(portPart, '-'));
        if (from.isEmpty() && ports.isEmpty()) {
            throw bad(text);
        }
        return new NatRange(from, to, ports);
    }

    private static InvalidValueException bad(String text) {
        return new InvalidValueException("'" + text + "' is not a NAT range",
                "addr[-addr][:port[-port]], or [ipv6-addr]:port for IPv6");
    }
}
