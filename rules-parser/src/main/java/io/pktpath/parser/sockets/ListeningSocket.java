package io.pktpath.parser.sockets;

import io.pktpath.parser.diag.SourceSpan;
import java.util.Objects;

/**
 * One TCP or UDP socket of an {@code ss} listing: its protocol, state ({@code LISTEN}, {@code UNCONN}, {@code ESTAB}...),
 * local binding and port, and the rest of the line ({@code users:((...))}, {@code -e} fields) as process text.
 */
public record ListeningSocket(SocketProtocol protocol, String state, LocalBinding local, int port, String process,
                              SourceSpan span) {
    public ListeningSocket {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(span, "span");
    }

    /** True for a socket that accepts new connections or datagrams: a TCP listener, or an unconnected UDP socket. */
    public boolean isListening() {
        return protocol == SocketProtocol.TCP ? state.equals("LISTEN") : state.equals("UNCONN");
    }

    /** The local end as ss prints it ({@code 127.0.0.53%lo:53}). */
    public String localText() {
        return local.render() + ":" + port;
    }
}
