package io.pktpath.parser.sockets;

import java.util.List;

/** The node's TCP and UDP sockets as read from {@code ss} output, in file order. */
public record SocketTable(List<ListeningSocket> sockets) {
    public SocketTable {
        sockets = List.copyOf(sockets);
    }

    /** This table followed by the sockets of {@code other} not already in it (same protocol, state, binding and port). */
    public SocketTable merge(SocketTable other) {
        java.util.List<ListeningSocket> all = new java.util.ArrayList<>(sockets);
        for (ListeningSocket s : other.sockets) {
            if (all.stream().noneMatch(a -> a.protocol() == s.protocol() && a.state().equals(s.state())
                    && a.local().equals(s.local()) && a.port() == s.port())) {
                all.add(s);
            }
        }
        return new SocketTable(all);
    }

    /** The sockets of {@code protocol} that accept new connections ({@link ListeningSocket#isListening()}). */
    public List<ListeningSocket> listeners(SocketProtocol protocol) {
        return sockets.stream().filter(s -> s.protocol() == protocol && s.isListening()).toList();
    }
}
