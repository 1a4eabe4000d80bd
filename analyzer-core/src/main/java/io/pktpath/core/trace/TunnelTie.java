package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A frame's tie to an overlay tunnel: either the underlay frame that carries another frame's packet ({@code carrier}:
 * the encapsulated packet the node sent or received) or the packet such a frame carried (sent on the tunnel device
 * before its encapsulation, or received on it after its decapsulation); {@code frame} is the other frame, 0 when the
 * capture does not hold it, {@code tunnel} names the encapsulation ("VXLAN (VNI 1)") and {@code detail} says what the
 * kernel did between the two frames.
 */
public record TunnelTie(String tunnel, boolean carrier, long frame, String detail) {
    public TunnelTie {
        Objects.requireNonNull(tunnel, "tunnel");
        Objects.requireNonNull(detail, "detail");
    }

    /** A few words for a frame line: "carries frame 4 (VXLAN (VNI 1))" or "carried by frame 7 (VXLAN (VNI 1))". */
    public String label() {
        if (frame <= 0) {
            return carrier ? tunnel + ", inner packet not captured" : tunnel;
        }
        return (carrier ? "carries frame " : "carried by frame ") + frame + " (" + tunnel + ")";
    }
}
