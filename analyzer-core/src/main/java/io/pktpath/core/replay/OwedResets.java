package io.pktpath.core.replay;

import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TCP resets REJECT owes: the kernel sends one at once for each packet a {@code --reject-with tcp-reset} rule
 * rejected, carrying that packet's conntrack entry (nf_ct_attach), so the reset the capture then shows leaving is
 * RELATED to it instead of being looked up (where a reset without a connection is INVALID).
 */
final class OwedResets {
    /** A reset follows its rejected packet within microseconds; anything later is another packet. */
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int MAX = 1024;

    private record Owed(CtLookup.Attached attached, long nanos) {
    }

    private final Map<Tuple, Owed> byTuple = new LinkedHashMap<>();

    /**
     * Owes a reset for a rejected packet: as the kernel builds it (the rejected packet's tuple, after any DNAT,
     * inverted) and as it leaves after the reply direction's NAT (the connection's original tuple inverted).
     */
    void owe(Tuple rejected, CtLookup.Attached attached, long nanos) {
        Owed owed = new Owed(attached, nanos);
        byTuple.put(rejected.inverse(), owed);
        byTuple.put(attached.candidate().original().inverse(), owed);
        Iterator<Owed> oldest = byTuple.values().iterator();
        while (oldest.hasNext()) {
            Owed o = oldest.next();
            if (byTuple.size() <= MAX && nanos - o.nanos() <= WINDOW_NANOS) {
                break;
            }
            oldest.remove();
        }
    }

    /** The entry a reset carries, when {@code packet} is a TCP reset REJECT owes. Changes nothing. */
    Optional<CtLookup.Attached> carriedBy(Packet packet) {
        if (byTuple.isEmpty() || !packet.isTcp() || !packet.hasFlag(Packet.RST)) {
            return Optional.empty();
        }
        Owed owed = byTuple.get(packet.tuple());
        if (owed == null || packet.timeNanos() - owed.nanos() > WINDOW_NANOS || packet.timeNanos() < owed.nanos()) {
            return Optional.empty();
        }
        return Optional.of(owed.attached());
    }

    /** The reset was sent: it is owed no more. */
    void paid(CtLookup.Attached attached) {
        byTuple.values().removeIf(o -> o.attached() == attached);
    }
}
