package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one flow for the {@code flows} command: id, zone, tuples, NAT bindings, protocol state (TCP state,
 * or UDP/ICMP/generic with ASSURED), per-direction counters, times, how it ended, origin (bundle or capture) and mark.
 */
public record FlowRecord(long id, int zone, Tuple original, Tuple reply, List<NatRecord> nat, String state,
                         boolean assured, long packetsOriginal, long bytesOriginal, long packetsReply, long bytesReply,
                         long firstNanos, long lastNanos, boolean replied, FlowEnd end, boolean fromBundle, long mark,
                         long firstFrame, long lastFrame, List<Long> frames) {
    public FlowRecord {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
        nat = List.copyOf(nat);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(end, "end");
        frames = List.copyOf(frames);
    }

    /** One word for the flows view: reset, expired, reopened, closed (TCP TIME_WAIT/CLOSE), replied or unreplied. */
    public String outcome() {
        return switch (end) {
            case RESET -> "reset";
            case EXPIRED -> "expired";
            case REOPENED -> "reopened";
            case OPEN -> state.equals("TIME_WAIT") || state.equals("CLOSE") ? "closed" : replied ? "replied" : "unreplied";
        };
    }

    public long durationNanos() {
        return lastNanos - firstNanos;
    }
}
