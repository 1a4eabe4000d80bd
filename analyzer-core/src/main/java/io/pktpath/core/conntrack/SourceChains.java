package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Live cts by their ORIGINAL source (zone, protocol, address, port), the index NAT reuses a source mapping from, kept
 * as the kernel keeps nf_nat_bysource: buckets of cts linked through the cts themselves, so adding one allocates
 * nothing (every new flow is added; few are ever looked up).
 */
final class SourceChains {
    /**
     * Small at first, so that the first connections of a replay already grow it: the optimising compiler then sees
     * growth as a path taken, where a growth first met after it compiled the replay's commit (which inlines
     * {@link #add}) threw away that compilation (half a second of a 2-core machine's CPU, JFR).
     */
    private Connection[] heads = new Connection[16];
    private int size;

    /** Adds {@code c} (not already in) to its source's bucket. */
    void add(Connection c) {
        if (size >= heads.length) {
            resize(heads.length * 2);
        }
        int b = bucket(c.zone(), c.original(), heads.length);
        c.sourceNext(heads[b]);
        heads[b] = c;
        size++;
    }

    /** Removes {@code c} if it is in. */
    void remove(Connection c) {
        int b = bucket(c.zone(), c.original(), heads.length);
        Connection prev = null;
        for (Connection x = heads[b]; x != null; prev = x, x = x.sourceNext()) {
            if (x == c) {
                if (prev == null) {
                    heads[b] = x.sourceNext();
                } else {
                    prev.sourceNext(x.sourceNext());
                }
                c.sourceNext(null);
                size--;
                return;
            }
        }
    }

    /** The cts whose ORIGINAL source equals {@code t}'s in {@code zone}, in the order they were added. */
    List<Connection> of(int zone, Tuple t) {
        List<Connection> found = null;
        for (Connection x = heads[bucket(zone, t, heads.length)]; x != null; x = x.sourceNext()) {
            if (x.zone() == zone && sameSource(x.original(), t)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(x);
            }
        }
        if (found == null) {
            return List.of();
        }
        // a bucket lists its newest ct first
        java.util.Collections.reverse(found);
        return found;
    }

    int size() {
        return size;
    }

    private static boolean sameSource(Tuple a, Tuple b) {
        return a.protocol() == b.protocol() && a.sport() == b.sport() && a.src().isV4() == b.src().isV4()
                && a.src().lo() == b.src().lo() && a.src().hi() == b.src().hi();
    }

    private void resize(int length) {
        Connection[] old = heads;
        heads = new Connection[length];
        // each old bucket is moved oldest first, so that every new bucket keeps its newest ct first
        List<Connection> chain = new ArrayList<>();
        for (Connection head : old) {
            chain.clear();
            for (Connection x = head; x != null; x = x.sourceNext()) {
                chain.add(x);
            }
            for (int i = chain.size() - 1; i >= 0; i--) {
                Connection x = chain.get(i);
                int b = bucket(x.zone(), x.original(), length);
                x.sourceNext(heads[b]);
                heads[b] = x;
            }
        }
    }

    private static int bucket(int zone, Tuple t, int length) {
        long k = (t.src().lo() * 0x9E3779B97F4A7C15L + t.src().hi()) * 0xC2B2AE3D27D4EB4FL
                + ((long) t.protocol() << 40 | (long) zone << 16 | t.sport() & 0xffff) * 0x165667B19E3779F9L;
        return (int) (k ^ k >>> 29) & (length - 1);
    }
}
