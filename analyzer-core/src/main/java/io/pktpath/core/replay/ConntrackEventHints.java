package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEvent;
import io.pktpath.parser.conntrack.ConntrackEventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's {@code conntrack -E} NEW events as a lookup from what a connection's first packet looked like when it
 * arrived (the event's original tuple) to how it left after NAT (the inverse of its reply tuple: the endpoint a DNAT
 * picked, the port a masquerade chose), for the branches the capture cannot decide. A tuple the log announces more
 * than once (a port used again) is answered by the event nearest the packet in time when the log has timestamps, else
 * by the first.
 */
final class ConntrackEventHints {
    /** How a connection left, by the event that says so. */
    record Logged(Tuple leftAs, String location) {
    }

    private record Announced(Tuple leftAs, String location, long micros) {
    }

    private static final ConntrackEventHints NONE = new ConntrackEventHints(List.of());

    private final Map<Tuple, List<Announced>> byOriginal = new HashMap<>();

    private ConntrackEventHints(List<ConntrackEvent> events) {
        for (ConntrackEvent e : events) {
            if (e.type() != ConntrackEventType.NEW) {
                continue;
            }
            int proto = e.entry().protocolNumber();
            Tuple original = ConntrackHints.tuple(proto, e.entry().original());
            Tuple leftAs = ConntrackHints.leftAs(proto, ConntrackHints.tuple(proto, e.entry().reply()));
            byOriginal.computeIfAbsent(original, k -> new ArrayList<>(1))
                    .add(new Announced(leftAs, e.location(), e.timestampMicros().orElse(-1L)));
        }
    }

    static ConntrackEventHints of(List<ConntrackEvent> events) {
        return events.isEmpty() ? NONE : new ConntrackEventHints(events);
    }

    /** How the connection {@code arriving} opened left the node, if a NEW event of the log announced it. */
    Optional<Logged> leftAs(Packet arriving) {
        if (byOriginal.isEmpty()) {
            return Optional.empty();
        }
        List<Announced> all = byOriginal.get(arriving.tuple());
        if (all == null) {
            return Optional.empty();
        }
        Announced best = all.get(0);
        long at = arriving.timeNanos() / 1000;
        for (Announced a : all) {
            if (a.micros() >= 0 && best.micros() >= 0 && Math.abs(a.micros() - at) < Math.abs(best.micros() - at)) {
                best = a;
            }
        }
        return Optional.of(new Logged(best.leftAs(), best.location()));
    }
}
