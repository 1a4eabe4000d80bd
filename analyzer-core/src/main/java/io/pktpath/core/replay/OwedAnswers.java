package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answers the node owes packets it dropped: the TCP reset of a {@code --reject-with tcp-reset}, and the ICMP error
 * of any other REJECT, of an expired TTL, of a packet too big for the egress MTU or of a route error. The kernel sends each at once, carrying the dropped
 * packet's conntrack entry (nf_ct_attach), so the answer the capture then shows leaving is RELATED to it instead of
 * being looked up (where a reset without a connection, or an error quoting an entry never confirmed, is INVALID).
 */
final class OwedAnswers {
    /** An answer follows its dropped packet within microseconds; anything later is another packet. */
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int MAX = 1024;

    private record Owed(CtLookup.Attached attached, long nanos) {
    }

    /** Resets by their own tuple. */
    private final Map<Tuple, Owed> resets = new LinkedHashMap<>();
    /** ICMP errors by the tuple they quote. */
    private final Map<Tuple, Owed> errors = new LinkedHashMap<>();

    /**
     * Owes a reset for a rejected packet: as the kernel builds it (the rejected packet's tuple, after any DNAT,
     * inverted) and as it leaves after the reply direction's NAT ({@code sent}, the packet's tuple before NAT, inverted).
     */
    void oweReset(Tuple rejected, Tuple sent, CtLookup.Attached attached, long nanos) {
        owe(resets, rejected.inverse(), sent.inverse(), attached, nanos);
    }

    /** Owes an ICMP error for a dropped packet, quoting it as dropped or as sent (before NAT). */
    void oweError(Tuple dropped, Tuple sent, CtLookup.Attached attached, long nanos) {
        owe(errors, dropped, sent, attached, nanos);
    }

    private static void owe(Map<Tuple, Owed> owed, Tuple asBuilt, Tuple asLeaving, CtLookup.Attached attached,
                            long nanos) {
        Owed answer = new Owed(attached, nanos);
        owed.put(asBuilt, answer);
        owed.put(asLeaving, answer);
        trim(owed, nanos);
    }

    private static void trim(Map<Tuple, Owed> owed, long nanos) {
        Iterator<Owed> oldest = owed.values().iterator();
        while (oldest.hasNext()) {
            Owed o = oldest.next();
            if (owed.size() <= MAX && nanos - o.nanos() <= WINDOW_NANOS) {
                break;
            }
            oldest.remove();
        }
    }

    /** The entry an answer carries, when {@code packet} is a TCP reset or an ICMP error the node owes. Changes nothing. */
    Optional<CtLookup.Attached> carriedBy(Packet packet) {
        Owed owed = null;
        if (!resets.isEmpty() && packet.isTcp() && packet.hasFlag(Packet.RST)) {
            owed = resets.get(packet.tuple());
        } else if (!errors.isEmpty() && packet.isIcmpError() && packet.quoted().isPresent()) {
            owed = errors.get(packet.quoted().get());
        }
        if (owed == null || packet.timeNanos() - owed.nanos() > WINDOW_NANOS || packet.timeNanos() < owed.nanos()) {
            return Optional.empty();
        }
        return Optional.of(owed.attached());
    }

    /** The answer was sent: it is owed no more. */
    void paid(CtLookup.Attached attached) {
        resets.values().removeIf(o -> o.attached() == attached);
        errors.values().removeIf(o -> o.attached() == attached);
    }
}
