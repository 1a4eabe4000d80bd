package io.pktpath.parser.sockets;

import java.util.Locale;
import java.util.Optional;

/** The transport of a socket as {@code ss} names it in its Netid column (the only ones the replay models). */
public enum SocketProtocol {
    TCP,
    UDP;

    /** The protocol of an ss Netid ({@code tcp}, {@code udp}); empty for the others (raw, u_str, nl, mptcp, ...). */
    public static Optional<SocketProtocol> ofNetid(String netid) {
        return switch (netid.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Optional.of(TCP);
            case "udp" -> Optional.of(UDP);
            default -> Optional.empty();
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
