package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.sockets.ListeningSocket;
import io.pktpath.parser.sockets.SocketProtocol;
import io.pktpath.parser.sockets.SocketTable;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The listener lookup of inet_lookup_listener / udp4_lib_lookup over the sockets {@code ss} listed: a TCP listener (or
 * unconnected UDP socket) on the port, bound to the address or to any address of its family ({@code *} serves both),
 * and to no device or the input device; one bound to the address itself wins over a wildcard, as the kernel's scoring
 * does.
 */
final class ListenerLookup {
    private ListenerLookup() {
    }

    static Optional<SocketProtocol> protocol(int ipProtocol) {
        return ipProtocol == 6 ? Optional.of(SocketProtocol.TCP)
                : ipProtocol == 17 ? Optional.of(SocketProtocol.UDP) : Optional.empty();
    }

    static Optional<ListeningSocket> find(SocketTable table, SocketProtocol protocol, IpAddress address, int port,
                                          String inIface) {
        List<ListeningSocket> found = table.listeners(protocol).stream()
                .filter(s -> s.port() == port)
                .filter(s -> address.isV4() ? s.local().acceptsV4() : s.local().acceptsV6())
                .filter(s -> s.local().address().map(address::equals).orElse(true))
                .filter(s -> s.local().device().map(inIface::equals).orElse(true))
                .toList();
        return found.stream().min(Comparator.comparing((ListeningSocket s) -> s.local().isWildcard())
                .thenComparing(s -> s.local().device().isEmpty()));
    }

    /** The address and port as ss prints them ({@code 127.0.0.1:15007}, {@code [fd00::1]:80}). */
    static String endpoint(IpAddress address, int port) {
        return (address.isV4() ? address.toString() : "[" + address + "]") + ":" + port;
    }
}
