package io.pktpath.core.conntrack;

import io.pktpath.core.trace.NatKind;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/**
 * A NAT target reduced to what nf_nat_core sees (struct nf_nat_range2): the kind, an optional address range, an
 * optional port range, the random flags and --persistent; {@code dropReason} is set when the kernel drops instead.
 */
record NatSpec(NatKind kind, Optional<IpAddress> min, Optional<IpAddress> max, Optional<PortRange> ports,
               boolean random, boolean randomFully, boolean persistent, Optional<String> dropReason) {

    static NatSpec drop(NatKind kind, String reason) {
        return new NatSpec(kind, Optional.empty(), Optional.empty(), Optional.empty(), false, false, false,
                Optional.of(reason));
    }

    boolean randomAll() {
        return random || randomFully;
    }

    boolean addressRange() {
        return min.isPresent() && !min.get().equals(max.get());
    }

    boolean inAddressRange(IpAddress a) {
        return min.isEmpty() || a.family() == min.get().family() && a.compareTo(min.get()) >= 0
                && a.compareTo(max.get()) <= 0;
    }

    String rangeText() {
        if (min.isEmpty()) {
            return "";
        }
        return min.get().equals(max.get()) ? min.get().toString() : min.get() + "-" + max.get();
    }

    String flagText() {
        return randomFully ? "--random-fully" : random ? "--random" : "";
    }
}
