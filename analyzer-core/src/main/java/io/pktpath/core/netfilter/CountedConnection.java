package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Tuple;
import java.util.Objects;

/**
 * One connection an {@code -m connlimit} list counts, as nf_conncount keeps it: the ORIGINAL tuple, the ICMP type that
 * direction carries (0 for other protocols) and the conntrack zone.
 */
public record CountedConnection(Tuple tuple, int icmpType, int zone) {
    public CountedConnection {
        Objects.requireNonNull(tuple, "tuple");
    }
}
