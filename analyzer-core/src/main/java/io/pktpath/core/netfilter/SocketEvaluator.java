package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.SocketMatch;

/**
 * {@code -m socket [--transparent] [--nowildcard] [--restore-skmark]} for TCP, as xt_socket.c decides it: an established
 * socket of the packet's connection matches (TPROXY's sockets are transparent; the others' transparency is unknown), a
 * listener matches only when bound to a specific address, or to any address with {@code --nowildcard}. The bundle lists
 * no sockets: no listener bound to a specific address is assumed; other protocols stay undecided.
 */
final class SocketEvaluator implements MatchEvaluator {
    static final String NO_SPECIFIC_LISTENER = "socket: no listener bound to a specific address is assumed for a packet"
            + " of no local connection (sockets are not in the bundle; listeners on 0.0.0.0 or :: never match)";
    private final boolean transparent;
    private final boolean nowildcard;
    private final boolean restoreSkmark;
    private final String text;

    SocketEvaluator(SocketMatch m) {
        this.transparent = m.transparent();
        this.nowildcard = m.nowildcard();
        this.restoreSkmark = m.restoreSkmark();
        this.text = Describe.module(m);
    }

    @Override
    public boolean test(Evaluation e) {
        if (e.packet.proto() != 6) {
            return e.chooseUnknown("cannot be evaluated offline: socket (only TCP sockets are modelled)");
        }
        boolean found = switch (LocalSockets.established(e)) {
            case TPROXIED -> true;
            case LOCAL -> !transparent || e.chooseUnknown("cannot be evaluated offline: socket --transparent (IP_TRANSPARENT"
                    + " of a local socket)");
            case NONE -> listener(e);
        };
        if (found && restoreSkmark) {
            e.note("socket --restore-skmark: the socket's mark is unknown offline; the packet mark is kept");
        }
        return found;
    }

    private boolean listener(Evaluation e) {
        if (nowildcard) {
            return e.chooseUnknown("cannot be evaluated offline: socket --nowildcard (a listener for the packet)");
        }
        e.note(NO_SPECIFIC_LISTENER);
        return false;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, LocalSockets.established(e) == LocalSockets.Established.NONE
                ? "no local socket for the packet's connection" : "oracle chose no match");
    }
}
