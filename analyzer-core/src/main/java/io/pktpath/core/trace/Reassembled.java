package io.pktpath.core.trace;

import java.util.List;
import java.util.Objects;

/**
 * The whole datagram nf_defrag rebuilt from fragment frames, as the node's hooks saw it (one packet with the total
 * length and the first fragment's transport header), the fragment frames it was rebuilt from or left as, and the IP
 * length of the largest fragment it arrived in (IPCB frag_max_size: the kernel never fragments it again into larger
 * ones; 0 for a datagram the node sent).
 */
public record Reassembled(PacketSummary datagram, List<Long> fragments, int largestFragment) {
    public Reassembled {
        Objects.requireNonNull(datagram, "datagram");
        fragments = List.copyOf(fragments);
    }
}
