package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.sockets.ListeningSocket;
import io.pktpath.parser.sockets.SocketProtocol;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Hook;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A TCP SYN or UDP datagram netfilter delivered locally to an address and port no socket of the bundle's {@code ss} table
 * listens on, which the socket layer refuses (tcp_v4_send_reset / icmp port unreachable); {@code elsewhere} lists the
 * listeners on that port bound to other addresses only (e.g. {@code 127.0.0.1:10248}).
 */
public record ClosedPort(SocketProtocol protocol, IpAddress address, int port, List<String> elsewhere) {
    /**
     * The name of the path's check step at local delivery: failed for a packet nothing listens for (its detail is the
     * note), passed for a packet TPROXY gave a socket.
     */
    public static final String SOCKET_CHECK = "socket";

    public ClosedPort {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        elsewhere = List.copyOf(elsewhere);
    }

    /**
     * The refusal of a packet delivered locally as it is now (after NAT) arriving on its input device, when the table is
     * known and the packet opens a connection (TCP SYN without ACK, or UDP) nothing listens for.
     */
    public static Optional<ClosedPort> of(Optional<SocketTable> table, Packet p) {
        if (table.isEmpty() || !p.hasPorts() || !opensConnection(p)) {
            return Optional.empty();
        }
        SocketProtocol protocol = p.isTcp() ? SocketProtocol.TCP : SocketProtocol.UDP;
        if (ListenerLookup.find(table.get(), protocol, p.dst(), p.dport(), p.inIface()).isPresent()
                || protocol == SocketProtocol.UDP && boundUdpSocket(table.get(), p)) {
            return Optional.empty();
        }
        List<String> elsewhere = table.get().listeners(protocol).stream()
                .filter(s -> s.port() == p.dport() && s.local().address().isPresent())
                .map(ListeningSocket::localText).distinct().toList();
        return Optional.of(new ClosedPort(protocol, p.dst(), p.dport(), elsewhere));
    }

    private static boolean opensConnection(Packet p) {
        return p.isUdp() || p.isTcp() && p.hasFlag(Packet.SYN) && !p.hasFlag(Packet.ACK) && !p.hasFlag(Packet.RST);
    }

    /** A connected UDP socket of the table on the port (ss -u without -l lists them) may take the datagram. */
    private static boolean boundUdpSocket(SocketTable table, Packet p) {
        return table.sockets().stream().anyMatch(s -> s.protocol() == SocketProtocol.UDP && !s.isListening()
                && s.port() == p.dport() && s.local().address().map(p.dst()::equals).orElse(true));
    }

    /** The address and port as ss prints them. */
    public String endpoint() {
        return endpoint(address, port);
    }

    /** An address and port as ss prints them ({@code 172.18.0.2:8081}, {@code [fd00::2]:8081}). */
    public static String endpoint(IpAddress address, int port) {
        return ListenerLookup.endpoint(address, port);
    }

    /** The failed socket check in the packet's path, at INPUT. */
    public CheckStep step() {
        return new CheckStep(Hook.INPUT, SOCKET_CHECK, false, note());
    }

    /** What the kernel answers: a RST for TCP, an ICMP port unreachable (rate-limited) for UDP. */
    public String answer() {
        return protocol == SocketProtocol.TCP ? "a RST" : "ICMP port unreachable (rate-limited)";
    }

    /** The sentence a user reads on the packet. */
    public String note() {
        return "delivered locally, but no socket listens on " + endpoint() + " (" + protocol.label() + ", ss): the kernel answers with " + answer()
                + (elsewhere.isEmpty() ? "" : "; on that port " + String.join(", ", elsewhere) + " listens, bound to"
                + " that address only");
    }
}
