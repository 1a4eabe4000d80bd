package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.target.Tproxy;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.sockets.ListeningSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TPROXY target as xt_TPROXY.c's tproxy_tg4/6 runs it: an established socket of the packet's connection, else a
 * listener on --on-ip (unset: the input device's primary address) : --on-port (0: the packet's port); a transparent one
 * found gets the packet (mark set, NF_ACCEPT, nothing rewritten), none is NF_DROP. The listener is looked up in the
 * bundle's {@code ss} table (a listener found is assumed transparent: ss does not show IP_TRANSPARENT); without one it is
 * assumed to exist. An established socket the replay did not make through TPROXY is of unknown transparency.
 */
final class TproxyDecision {
    private TproxyDecision() {
    }

    /** Whether the packet is accepted; the effects (socket, mark) are applied to the walk and returned as text. */
    static boolean accept(Evaluation e, Tproxy t, List<String> effects) {
        if (!LegacyTables.kernelTable(e.table).equals("mangle") || e.hook != Hook.PREROUTING) {
            e.note(e.rule.label() + ": TPROXY outside mangle PREROUTING is refused by iptables");
        }
        boolean found = switch (LocalSockets.established(e)) {
            case TPROXIED -> {
                effects.add("established transparent socket");
                yield true;
            }
            case LOCAL -> {
                boolean transparent = e.chooseUnknown("cannot be evaluated offline: TPROXY (IP_TRANSPARENT of the"
                        + " connection's local socket)");
                effects.add(transparent ? "established socket (transparent)" : "established socket is not transparent");
                yield transparent;
            }
            case NONE -> e.ctx.facts().sockets().isPresent() ? listenerFromTable(e, t, effects) : assumeListener(e, t, effects);
        };
        if (found) {
            long before = e.packet.mark();
            e.packet = e.packet.withMark(t.applyMark(before));
            effects.add("mark " + Describe.hex(before) + " -> " + Describe.hex(e.packet.mark()));
        }
        return found;
    }

    private static boolean assumeListener(Evaluation e, Tproxy t, List<String> effects) {
        e.note(assumedListener(e, t));
        effects.add("socket " + listenerAddress(e, t));
        LocalSockets.assign(e);
        return true;
    }

    /** nf_tproxy_get_sock_v4/v6 with NF_TPROXY_LOOKUP_LISTENER over the ss table, at nf_tproxy_laddr's address. */
    private static boolean listenerFromTable(Evaluation e, Tproxy t, List<String> effects) {
        IpAddress address = t.onInputAddress() ? e.ctx.facts().primaryAddress(e.packet.inIface(), e.packet.family())
                .orElse(e.packet.dst()) : t.onIp();
        int port = t.onPort() == 0 ? e.packet.dport() : t.onPort();
        String where = ListenerLookup.endpoint(address, port);
        Optional<ListeningSocket> listener = ListenerLookup.protocol(e.packet.proto()).flatMap(p ->
                ListenerLookup.find(e.ctx.facts().sockets().orElseThrow(), p, address, port, e.packet.inIface()));
        if (listener.isEmpty()) {
            e.note("no socket listens on " + where + " (ss): TPROXY drops the packet");
            effects.add("no socket listens on " + where + " (ss)");
            return false;
        }
        e.note("TPROXY: " + listener.get().protocol().label() + " listener " + listener.get().localText() + " (ss) takes the"
                + " packet for " + where + "; it is assumed transparent (ss does not show IP_TRANSPARENT)");
        effects.add("socket " + listener.get().localText() + " (ss)");
        LocalSockets.assign(e);
        return true;
    }

    /** The assumption stated for a listener lookup (sockets are not in a bundle). */
    static String assumedListener(Evaluation e, Tproxy t) {
        return "TPROXY: a transparent listener on " + listenerAddress(e, t) + " is assumed (sockets are not in the bundle)";
    }

    private static String listenerAddress(Evaluation e, Tproxy t) {
        int port = t.onPort() == 0 ? e.packet.dport() : t.onPort();
        String ip = t.onIp().toString();
        String host = t.onIp().isV4() ? ip : "[" + ip + "]";
        return host + ":" + port + (t.onInputAddress() ? " (" + ip + ": the primary address of " + e.packet.inIface() + ")" : "");
    }

    static List<String> newEffects() {
        return new ArrayList<>(3);
    }
}
