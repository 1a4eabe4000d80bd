package io.pktpath.core.netfilter;

import java.util.ArrayList;
import java.util.List;

/** One address of an {@code xt_recent} list: its hit times (oldest first, at most 20 as the kernel keeps) and last TTL. */
public record RecentEntry(List<Long> stamps, int ttl) {
    /** {@code ip_pkt_list_tot}: the kernel's default number of remembered hits per address. */
    public static final int MAX_STAMPS = 20;

    public RecentEntry {
        stamps = List.copyOf(stamps);
    }

    RecentEntry withStamp(long nanos, int newTtl) {
        List<Long> next = new ArrayList<>(stamps);
        next.add(nanos);
        while (next.size() > MAX_STAMPS) {
            next.remove(0);
        }
        return new RecentEntry(next, newTtl);
    }

    /** The entry without hits older than {@code before} (what {@code --reap} does). */
    RecentEntry reaped(long before) {
        return new RecentEntry(stamps.stream().filter(s -> s >= before).toList(), ttl);
    }
}
