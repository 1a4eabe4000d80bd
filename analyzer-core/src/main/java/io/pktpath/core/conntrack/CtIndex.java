package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The confirmed cts hashed by both their ORIGINAL and REPLY keys (nf_conntrack_hash), plus the by-source index NAT
 * uses to reuse an existing source mapping (nf_nat_bysource).
 */
final class CtIndex {
    /** One hash entry: the ct and which of its directions the key is. */
    record Slot(Connection ct, CtDirection direction) {
    }

    private final CtSlots slots = new CtSlots();
    /** Room for {@link #warm}'s slot indexes (no meaning between calls). */
    private int[] warmed = new int[0];
    private final SourceChains bySource = new SourceChains();

    static CtKey originalKey(TrackedFlow f, int icmpRequestType) {
        return CtKey.of(f.zone(), f.original(), icmpRequestType);
    }

    static CtKey replyKey(TrackedFlow f, int icmpRequestType) {
        return CtKey.of(f.zone(), f.reply(), Tuples.replyType(f.original().protocol(), icmpRequestType));
    }

    Slot get(CtKey key) {
        return slots.get(key);
    }

    /** The slot of a ct still alive at {@code timeNanos}, or null. */
    Slot live(CtKey key, long timeNanos) {
        Slot s = slots.get(key);
        return s == null || s.ct().expiredAt(timeNanos) ? null : s;
    }

    /**
     * Where {@code p}'s tuple keys a ct in {@code zone} still alive at {@code timeNanos} (read it with {@link #ctAt}
     * and {@link #directionAt}), or -1.
     */
    int liveAt(int zone, io.pktpath.core.engine.Packet p, long timeNanos) {
        int at = slots.indexOf(zone, p);
        return at < 0 || slots.ct(at).expiredAt(timeNanos) ? -1 : at;
    }

    /** {@link ConntrackTable#warm}: each step for all packets before the next (slots, cts, lookups, replay's slots). */
    long warm(int zone, io.pktpath.core.engine.Packet[] packets, int count,
              java.util.function.ToLongFunction<Object> slotReader) {
        if (warmed.length < count) {
            warmed = new int[count];
        }
        int[] at = warmed;
        long sum = slots.indexesOf(zone, packets, count, at);
        for (int i = 0; i < count; i++) {
            if (at[i] >= 0) {
                sum += slots.ct(at[i]).expiresNanos();
            }
        }
        for (int i = 0; i < count; i++) {
            if (at[i] >= 0) {
                sum += slots.ct(at[i]).warm(slots.direction(at[i]));
            }
        }
        for (int i = 0; i < count; i++) {
            if (at[i] >= 0) {
                Object slot = slots.ct(at[i]).steadySlot(slots.direction(at[i]) == CtDirection.REPLY);
                sum += slot == null ? 0 : slotReader.applyAsLong(slot);
            }
        }
        return sum;
    }

    Connection ctAt(int at) {
        return slots.ct(at);
    }

    CtDirection directionAt(int at) {
        return slots.direction(at);
    }

    void insert(Connection c) {
        slots.put(originalKey(c, c.icmpRequestType()), c, CtDirection.ORIGINAL);
        slots.put(replyKey(c, c.icmpRequestType()), c, CtDirection.REPLY);
        bySource.add(c);
    }

    /** Inserts only the reply tuple of {@code c}: the kernel's clash entry (IPS_NAT_CLASH) that no ORIGINAL packet finds. */
    void insertReplyOnly(Connection c) {
        slots.put(replyKey(c, c.icmpRequestType()), c, CtDirection.REPLY);
    }

    void remove(Connection c) {
        CtKey o = originalKey(c, c.icmpRequestType());
        CtKey r = replyKey(c, c.icmpRequestType());
        Slot so = slots.get(o);
        if (so != null && so.ct() == c) {
            slots.remove(o);
        }
        Slot sr = slots.get(r);
        if (sr != null && sr.ct() == c) {
            slots.remove(r);
        }
        bySource.remove(c);
    }

    /** Live cts whose ORIGINAL source (zone, protocol, address, port) equals {@code t}'s, oldest first. */
    List<Connection> sameSource(int zone, Tuple t, long timeNanos) {
        List<Connection> list = bySource.of(zone, t);
        return list.isEmpty() ? list : list.stream().filter(c -> !c.expiredAt(timeNanos)).toList();
    }

    /** Every ct in the table (each once), in no particular order. */
    Collection<Connection> all() {
        List<Connection> out = new ArrayList<>(slots.size() / 2 + 1);
        slots.forEachOriginal(out::add);
        return out;
    }

    int size() {
        return slots.size() / 2;
    }
}
