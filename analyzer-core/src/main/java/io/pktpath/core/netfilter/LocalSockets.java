package io.pktpath.core.netfilter;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.parser.net.IpAddress;
import java.util.Optional;

/**
 * What the replay knows of the node's TCP sockets, which a bundle does not list: a connection conntrack already holds
 * has an established local socket at this end when TPROXY handed its first packet to a socket, or when the packet's
 * local address (its destination; the original source for a reply of a source-NATed connection, as xt_socket looks it
 * up) is a node address. Listeners are unknown.
 */
final class LocalSockets {
    private static final int TCP = 6;

    private LocalSockets() {
    }

    /** What an established-socket lookup for the walked packet finds. */
    enum Established {
        /** No established socket: a packet of no confirmed connection, or of a connection that is not local here. */
        NONE,
        /** The socket TPROXY assigned to the connection's first packet (transparent, bound to the original destination). */
        TPROXIED,
        /** A socket of a locally delivered or locally originated connection (whether it is transparent is unknown). */
        LOCAL
    }

    static Established established(Evaluation e) {
        if (e.packet.proto() != TCP) {
            return Established.NONE;
        }
        Optional<CtInfo> ct = e.trackedCt();
        if (ct.isEmpty() || !ct.get().status().contains(CtStatus.CONFIRMED)) {
            return Established.NONE;
        }
        if (e.state().socketAssigned(key(ct.get()))) {
            return Established.TPROXIED;
        }
        IpAddress local = ct.get().replyDirection() && ct.get().isSnat() ? ct.get().original().src() : e.packet.dst();
        return e.addrTypes(local, Optional.empty()).contains(AddrType.LOCAL) ? Established.LOCAL : Established.NONE;
    }

    /** Remembers (on commit) that TPROXY gave the connection of the walked packet a socket. */
    static void assign(Evaluation e) {
        e.trackedCt().filter(ct -> e.packet.proto() == TCP)
                .ifPresent(ct -> e.state().record(new StateUpdate.SocketAssigned(key(ct))));
    }

    /** The connection's key in the rule state. */
    static String key(CtInfo ct) {
        return RuleState.socketKey(ct.zone(), ct.original());
    }
}
