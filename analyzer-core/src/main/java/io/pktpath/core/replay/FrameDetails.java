package io.pktpath.core.replay;

import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.DecodedPacket;
import java.util.Objects;
import java.util.Optional;

/**
 * What a captured frame's decoding found beyond the fields the replay reads for every frame: the decode status and its
 * message, and for an IP fragment, a tunnel frame or an ARP frame its part; a cleanly decoded whole frame without
 * those shares one instance ({@link #of}), so most frames carry one reference instead of five.
 */
public record FrameDetails(DecodeStatus status, String statusMessage, Optional<IpFragment> fragment,
                           Optional<Encapsulation> encapsulation, Optional<DecodedPacket.Arp> arp) {
    private static final FrameDetails PLAIN = new FrameDetails(DecodeStatus.OK, "", Optional.empty(), Optional.empty(),
            Optional.empty());

    public FrameDetails {
        Objects.requireNonNull(status, "status");
        statusMessage = statusMessage == null ? "" : statusMessage;
        Objects.requireNonNull(fragment, "fragment");
        Objects.requireNonNull(encapsulation, "encapsulation");
        Objects.requireNonNull(arp, "arp");
    }

    /** These details, the shared instance when the frame decoded cleanly and has no fragment, tunnel or ARP part. */
    public static FrameDetails of(DecodeStatus status, String statusMessage, Optional<IpFragment> fragment,
                                  Optional<Encapsulation> encapsulation, Optional<DecodedPacket.Arp> arp) {
        if (status == DecodeStatus.OK && (statusMessage == null || statusMessage.isEmpty()) && fragment.isEmpty()
                && encapsulation.isEmpty() && arp.isEmpty()) {
            return PLAIN;
        }
        return new FrameDetails(status, statusMessage, fragment, encapsulation, arp);
    }
}
