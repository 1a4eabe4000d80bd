package io.pktpath.core.trace;

import java.util.Objects;
import java.util.Optional;

/**
 * The parts of a {@link PacketTrace} that few frames carry (the datagram a fragment completed, the tie to a tunnel, the
 * ICMP redirect the packet caused), kept in one object so that the common trace, which has none, holds one shared
 * reference ({@link #NONE}) instead of three.
 */
public record TraceAttachments(Optional<Reassembled> reassembled, Optional<TunnelTie> tunnel,
                               Optional<IcmpRedirect> redirect) {
    /** No attachment: the trace of most frames. */
    public static final TraceAttachments NONE = new TraceAttachments(Optional.empty(), Optional.empty(),
            Optional.empty());

    public TraceAttachments {
        Objects.requireNonNull(reassembled, "reassembled");
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(redirect, "redirect");
    }

    /** These attachments, or {@link #NONE} when all three are empty (allocates nothing then). */
    public static TraceAttachments of(Optional<Reassembled> reassembled, Optional<TunnelTie> tunnel,
                                      Optional<IcmpRedirect> redirect) {
        if (reassembled.isEmpty() && tunnel.isEmpty() && redirect.isEmpty()) {
            return NONE;
        }
        return new TraceAttachments(reassembled, tunnel, redirect);
    }
}
