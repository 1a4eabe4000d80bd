package io.pktpath.core.replay;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code conntrack -L} taken after the capture, as lookups between what a packet looked like when it arrived (or a
 * local socket sent it: an entry's original tuple) and when it left after NAT (the inverse of the entry's reply tuple).
 */
final class ConntrackHints {
    private final Map<Tuple, Tuple> socketByWire = new HashMap<>();
    private final Map<Tuple, Tuple> wireBySocket = new HashMap<>();
    /** The entries with ports, by their original tuple and by their reply tuple (a packet's tuple as it arrives). */
    private final Map<Tuple, ConntrackEntry> byOriginal = new HashMap<>();
    private final Map<Tuple, ConntrackEntry> byReply = new HashMap<>();

    /** The lookups of {@code entries}, the first entry in dump order winning where two share a key. */
    private ConntrackHints(List<ConntrackEntry> entries) {
        for (ConntrackEntry e : entries) {
            int proto = e.protocolNumber();
            Tuple original = tuple(proto, e.original());
            Tuple reply = tuple(proto, e.reply());
            Tuple wire = leftAs(proto, reply);
            socketByWire.putIfAbsent(wire, original);
            wireBySocket.putIfAbsent(original, wire);
            if (proto != 1 && proto != 58 && e.original().sport().isPresent() && e.reply().sport().isPresent()) {
                byOriginal.putIfAbsent(original, e);
                byReply.putIfAbsent(reply, e);
            }
        }
    }

    /** How a packet whose tuple was {@code original} when it arrived left after NAT, if the dump holds its connection. */
    Optional<Tuple> leftAs(Tuple original) {
        return Optional.ofNullable(wireBySocket.get(original));
    }

    static ConntrackHints of(List<ConntrackEntry> entries) {
        return new ConntrackHints(entries);
    }

    /** The entry whose original tuple is {@code arriving} (a packet of its original direction), if the dump holds one. */
    Optional<ConntrackEntry> withOriginal(Tuple arriving) {
        return byOriginal.isEmpty() ? Optional.empty() : Optional.ofNullable(byOriginal.get(arriving));
    }

    /** The entry whose reply tuple is {@code arriving} (a packet of its reply direction), if the dump holds one. */
    Optional<ConntrackEntry> withReply(Tuple arriving) {
        return byReply.isEmpty() ? Optional.empty() : Optional.ofNullable(byReply.get(arriving));
    }

    /** What the socket sent, if the dump holds the connection whose NAT produced {@code wire}. */
    Optional<Tuple> socketTuple(Tuple wire) {
        return Optional.ofNullable(socketByWire.get(wire));
    }

    /**
     * How a connection's first packet left the node, from its entry's reply tuple: the reply inverted (an ICMP query:
     * the reply's destination and id as the source, its source as the destination).
     */
    static Tuple leftAs(int proto, Tuple reply) {
        return proto == 1 || proto == 58 ? new Tuple(proto, reply.dst(), reply.sport(), reply.src(), 0) : reply.inverse();
    }

    /** A {@code conntrack -L} (or {@code -E}) tuple as the replay's, ICMP's echo id as its source id. */
    static Tuple tuple(int proto, io.pktpath.parser.conntrack.Tuple t) {
        if (proto == 1 || proto == 58) {
            return new Tuple(proto, t.src(), t.icmpId().orElse(0), t.dst(), 0);
        }
        return new Tuple(proto, t.src(), t.sport().orElse(0), t.dst(), t.dport().orElse(0));
    }
}
