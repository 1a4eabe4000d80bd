package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one flow for the {@code flows} command: id, zone, tuples, NAT bindings, protocol state (TCP state,
 * or UDP/ICMP/generic with ASSURED), per-direction counters, times, how it ended, origin (bundle or capture), mark,
 * frames and, for the carrier flow of an overlay tunnel's packets, the tunnel and the flows it carried; for a flow whose
 * packets an overlay tunnel carried, the tunnel and the carrier flows ({@code carriedBy}).
 */
public record FlowRecord(long id, int zone, Tuple original, Tuple reply, List<NatRecord> nat, String state,
                         boolean assured, long packetsOriginal, long bytesOriginal, long packetsReply, long bytesReply,
                         long firstNanos, long lastNanos, boolean replied, FlowEnd end, boolean fromBundle, long mark,
                         long firstFrame, long lastFrame, List<Long> frames, Optional<FlowTunnel> tunnel,
                         Optional<FlowCarriers> carriedBy) {
    public FlowRecord {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
        nat = List.copyOf(nat);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(end, "end");
        frames = List.copyOf(frames);
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(carriedBy, "carriedBy");
    }

    /** A flow that carried no tunnel's packets. */
    public FlowRecord(long id, int zone, Tuple original, Tuple reply, List<NatRecord> nat, String state,
                      boolean assured, long packetsOriginal, long bytesOriginal, long packetsReply, long bytesReply,
                      long firstNanos, long lastNanos, boolean replied, FlowEnd end, boolean fromBundle, long mark,
                      long firstFrame, long lastFrame, List<Long> frames) {
        this(id, zone, original, reply, nat, state, assured, packetsOriginal, bytesOriginal, packetsReply, bytesReply,
                firstNanos, lastNanos, replied, end, fromBundle, mark, firstFrame, lastFrame, frames, Optional.empty());
    }

    /** A flow that no tunnel carried, the carrier flow of {@code tunnel} when present. */
    public FlowRecord(long id, int zone, Tuple original, Tuple reply, List<NatRecord> nat, String state,
                      boolean assured, long packetsOriginal, long bytesOriginal, long packetsReply, long bytesReply,
                      long firstNanos, long lastNanos, boolean replied, FlowEnd end, boolean fromBundle, long mark,
                      long firstFrame, long lastFrame, List<Long> frames, Optional<FlowTunnel> tunnel) {
        this(id, zone, original, reply, nat, state, assured, packetsOriginal, bytesOriginal, packetsReply, bytesReply,
                firstNanos, lastNanos, replied, end, fromBundle, mark, firstFrame, lastFrame, frames, tunnel,
                Optional.empty());
    }

    /** This flow as the carrier flow of {@code t}. */
    public FlowRecord withTunnel(FlowTunnel t) {
        return new FlowRecord(id, zone, original, reply, nat, state, assured, packetsOriginal, bytesOriginal,
                packetsReply, bytesReply, firstNanos, lastNanos, replied, end, fromBundle, mark, firstFrame, lastFrame,
                frames, Optional.of(t), carriedBy);
    }

    /** This flow as one whose packets the carrier flows of {@code c} carried. */
    public FlowRecord withCarriers(FlowCarriers c) {
        return new FlowRecord(id, zone, original, reply, nat, state, assured, packetsOriginal, bytesOriginal,
                packetsReply, bytesReply, firstNanos, lastNanos, replied, end, fromBundle, mark, firstFrame, lastFrame,
                frames, tunnel, Optional.of(c));
    }

    /**
     * Whether this is an overlay tunnel's carrier flow left unreplied, as the kernel leaves it: each direction of an
     * inner flow hashes its own outer source port, so no carrier datagram answers another.
     */
    public boolean unrepliedCarrier() {
        return tunnel.isPresent() && outcome().equals("unreplied");
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
