package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Hook;
import java.util.Optional;

/** Which side of the tuple a NAT manipulation rewrites: the destination at PRE/OUT, the source at POST/IN (§2.5). */
public enum NatManip {
    SRC, DST;

    public NatManip opposite() {
        return this == SRC ? DST : SRC;
    }

    /** The manipulation the kernel's NAT hook at {@code hook} performs; none at FORWARD and INGRESS. */
    public static Optional<NatManip> atHook(Hook hook) {
        return switch (hook) {
            case PREROUTING, OUTPUT -> Optional.of(DST);
            case POSTROUTING, INPUT -> Optional.of(SRC);
            case FORWARD, INGRESS -> Optional.empty();
        };
    }
}
