package io.pktpath.core.netfilter;

import java.util.ArrayList;
import java.util.List;

/**
 * One address of an {@code xt_recent} list: its hit times (oldest first, as many as the list keeps per address, see
 * {@link RecentLimits}) and the TTL (hop limit) of its last hit.
 */
public record RecentEntry(List<Long> stamps, int ttl) {
    public RecentEntry {
        stamps = List.copyOf(stamps);
    }

    RecentEntry withStamp(long nanos, int newTtl, int keep) {
        List<Long> next = new ArrayList<>(stamps);
        next.add(nanos);
        while (next.size() > Math.max(1, keep)) {
            next.remove(0);
        }
        return new RecentEntry(next, newTtl);
    }

    /** The time of the last hit (what orders the kernel's least-recently-used list); 0 without hits. */
    long newest() {
        return stamps.isEmpty() ? 0 : stamps.get(stamps.size() - 1);
    }
}
