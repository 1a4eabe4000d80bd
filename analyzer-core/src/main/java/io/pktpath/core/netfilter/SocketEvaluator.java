package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.SocketMatch;
import io.pktpath.parser.sockets.ListeningSocket;
import io.pktpath.parser.sockets.SocketProtocol;
import java.util.Optional;

/**
 * {@code -m socket [--transparent] [--nowildcard] [--restore-skmark]} for TCP, as xt_socket.c decides it: an established
 * socket of the packet's connection matches (TPROXY's sockets are transparent; the others' transparency is unknown), a
 * listener matches only when bound to a specific address, or to any address with {@code --nowildcard}. Listeners come from
 * the bundle's {@code ss} table; without one no listener bound to a specific address is assumed. Other protocols stay
 * undecided.
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
        if (e.ctx.facts().sockets().isPresent()) {
            return listenerFromTable(e);
        }
        if (nowildcard) {
            return e.chooseUnknown("cannot be evaluated offline: socket --nowildcard (a listener for the packet)");
        }
        e.note(NO_SPECIFIC_LISTENER);
        return false;
    }

    /** xt_socket's listener lookup at the packet's destination over the ss table. */
    private boolean listenerFromTable(Evaluation e) {
        String where = ListenerLookup.endpoint(e.packet.dst(), e.packet.dport());
        Optional<ListeningSocket> found = ListenerLookup.find(e.ctx.facts().sockets().orElseThrow(), SocketProtocol.TCP,
                e.packet.dst(), e.packet.dport(), e.packet.inIface());
        if (found.isEmpty()) {
            e.note("socket: no socket listens on " + where + " (ss)");
            return false;
        }
        if (found.get().local().isWildcard() && !nowildcard) {
            e.note("socket: the listener " + found.get().localText() + " (ss) is bound to any address, which -m socket"
                    + " matches only with --nowildcard");
            return false;
        }
        return !transparent || e.chooseUnknown("cannot be evaluated offline: socket --transparent (IP_TRANSPARENT of the"
                + " listener " + found.get().localText() + ": ss does not show it)");
    }

    @Override
    public Mismatch explain(Evaluation e) {
        return new Mismatch(text, LocalSockets.established(e) == LocalSockets.Established.NONE
                ? "no local socket for the packet's connection" : "oracle chose no match");
    }
}
