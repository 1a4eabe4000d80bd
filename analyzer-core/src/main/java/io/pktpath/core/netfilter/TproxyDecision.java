package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.iptables.target.Tproxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The TPROXY target as xt_TPROXY.c's tproxy_tg4/6 runs it: an established socket of the packet's connection, else a
 * listener on --on-ip (unset: the input device's primary address) : --on-port (0: the packet's port); a transparent one
 * found gets the packet (mark set, NF_ACCEPT, nothing rewritten), none is NF_DROP. The bundle lists no sockets, so the
 * listener is assumed to exist; an established socket the replay did not make through TPROXY is of unknown transparency.
 */
final class TproxyDecision {
    private TproxyDecision() {
    }

    /** Whether the packet is accepted; the effects (socket, mark) are applied to the walk and returned as text. */
    static boolean accept(Evaluation e, Tproxy t, List<String> effects) {
        if (!e.table.equals("mangle") || e.hook != Hook.PREROUTING) {
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
            case NONE -> {
                e.note(assumedListener(e, t));
                effects.add("socket " + listenerAddress(e, t));
                LocalSockets.assign(e);
                yield true;
            }
        };
        if (found) {
            long before = e.packet.mark();
            e.packet = e.packet.withMark(t.applyMark(before));
            effects.add("mark " + Describe.hex(before) + " -> " + Describe.hex(e.packet.mark()));
        }
        return found;
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
