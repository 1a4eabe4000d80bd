package io.pktpath.core.conntrack;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A flow's part in an overlay tunnel seen from inside it: its packets travelled encapsulated in {@code tunnel} ("VXLAN
 * (VNI 1)") in the carrier flows {@code carrierFlows} (their ids, in id order, at most {@link #MAX_CARRIERS}; each
 * direction of the flow hashes its own outer source port, so it usually has two), {@code moreCarriers} whether further
 * carrier flows carried it as well; the reverse of {@link FlowTunnel}.
 */
public record FlowCarriers(String tunnel, List<Long> carrierFlows, boolean moreCarriers) {
    /** How many carrier flow ids an inner flow keeps. */
    public static final int MAX_CARRIERS = 8;

    public FlowCarriers {
        Objects.requireNonNull(tunnel, "tunnel");
        carrierFlows = List.copyOf(carrierFlows);
        if (carrierFlows.isEmpty()) {
            throw new IllegalArgumentException("a carried flow names at least one carrier flow");
        }
    }

    /** What carried the flow: "carried in VXLAN (VNI 1) by flows 2, 3" (" and more" past {@link #MAX_CARRIERS}). */
    public String carried() {
        return "carried in " + tunnel + (carrierFlows.size() == 1 && !moreCarriers ? " by flow " : " by flows ")
                + carrierFlows.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (moreCarriers ? " and more" : "");
    }
}
