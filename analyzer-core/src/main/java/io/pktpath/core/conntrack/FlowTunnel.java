package io.pktpath.core.conntrack;

import java.util.List;
import java.util.Objects;

/**
 * A flow's part in an overlay tunnel: it is the carrier flow of the encapsulated packets of {@code tunnel} ("VXLAN
 * (VNI 1)") the node sent or received, {@code innerFlows} the ids of the first flows whose packets it carried (in id
 * order, at most {@link #MAX_INNER}), {@code moreInner} whether it carried packets of further flows as well.
 */
public record FlowTunnel(String tunnel, List<Long> innerFlows, boolean moreInner) {
    /** How many inner flow ids a carrier keeps. */
    public static final int MAX_INNER = 8;

    public FlowTunnel {
        Objects.requireNonNull(tunnel, "tunnel");
        innerFlows = List.copyOf(innerFlows);
    }

    /** What the flow is: "VXLAN (VNI 1) carrier of flows 1, 3" (", ... and more" past {@link #MAX_INNER}). */
    public String carried() {
        String flows = innerFlows.isEmpty() ? "" : (innerFlows.size() == 1 && !moreInner ? " of flow " : " of flows ")
                + innerFlows.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                + (moreInner ? " and more" : "");
        return tunnel + " carrier" + flows;
    }

    /**
     * Why such a flow stays unreplied, with what it carried: "VXLAN (VNI 1) carrier of flows 1, 3: each direction has
     * its own source port, as the kernel's conntrack shows".
     */
    public String explanation() {
        return carried() + ": each direction has its own source port, as the kernel's conntrack shows";
    }
}
