package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import java.util.function.Consumer;

/**
 * An open-addressing hash from {@link CtKey} to a ct and direction whose key fields live inline in one primitive
 * array (linear probing, backward-shift deletion), so that a packet's lookup makes no key object and follows no
 * pointer before the ct itself.
 */
final class CtSlots {
    /** Longs per slot: source hi/lo, destination hi/lo, ports, zone+protocol, ICMP type. */
    private static final int STRIDE = 7;
    private static final int MIN_CAPACITY = 64;

    private long[] keys;
    private Connection[] cts;
    private boolean[] replies;
    private int mask;
    private int size;

    CtSlots() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    /** The slot of {@code k}, or null. */
    CtIndex.Slot get(CtKey k) {
        int i = find(k);
        return cts[i] == null ? null : new CtIndex.Slot(cts[i], direction(i));
    }

    /** The ct at {@code at} (an index {@link #indexOf} gave). */
    Connection ct(int at) {
        return cts[at];
    }

    /** The direction {@code at} keys (an index {@link #indexOf} gave). */
    CtDirection direction(int at) {
        return replies[at] ? CtDirection.REPLY : CtDirection.ORIGINAL;
    }

    /** The index of {@code p}'s tuple in {@code zone} (the key {@code CtKey.of(zone, p)}), or -1. */
    int indexOf(int zone, Packet p) {
        IpAddress s = p.src();
        IpAddress d = p.dst();
        int proto = p.proto();
        return indexOf(zone, proto | (s.isV4() ? 0 : 0x100), s.hi(), s.lo(), d.hi(), d.lo(), p.tupleSourceId(),
                p.tupleDestinationId(), Tuples.isIcmp(proto) ? p.icmpType() : 0);
    }

    private int indexOf(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport,
                        int icmpType) {
        int i = probe(zone, proto, srcHi, srcLo, dstHi, dstLo, sport, dport, icmpType);
        return cts[i] == null ? -1 : i;
    }

    /** The index holding the key with these fields, or the empty index where it would go. */
    private int probe(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport,
                      int icmpType) {
        long ports = ports(sport, dport);
        long zp = zoneProto(zone, proto);
        int i = CtKey.hash(zone, proto, srcHi, srcLo, dstHi, dstLo, sport, dport, icmpType) & mask;
        while (cts[i] != null) {
            int b = i * STRIDE;
            if (keys[b + 1] == srcLo && keys[b + 3] == dstLo && keys[b + 4] == ports && keys[b] == srcHi
                    && keys[b + 2] == dstHi && keys[b + 5] == zp && keys[b + 6] == icmpType) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Maps {@code k} to {@code ct} in {@code direction}, replacing what it mapped to. */
    void put(CtKey k, Connection ct, CtDirection direction) {
        if ((size + 1) * 2 > cts.length) {
            resize(cts.length * 2);
        }
        int i = find(k);
        if (cts[i] == null) {
            size++;
            write(i, k);
        }
        cts[i] = ct;
        replies[i] = direction == CtDirection.REPLY;
    }

    /** Removes {@code k}'s mapping, if any. */
    void remove(CtKey k) {
        int i = find(k);
        if (cts[i] == null) {
            return;
        }
        size--;
        // backward-shift deletion: move later members of the probe run into the hole so no search stops early
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (cts[j] == null) {
                break;
            }
            int home = home(keys, j);
            boolean between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!between) {
                System.arraycopy(keys, j * STRIDE, keys, hole * STRIDE, STRIDE);
                cts[hole] = cts[j];
                replies[hole] = replies[j];
                hole = j;
            }
        }
        cts[hole] = null;
    }

    /** Every ct held for its ORIGINAL direction (so each once), in table order. */
    void forEachOriginal(Consumer<Connection> action) {
        for (int i = 0; i < cts.length; i++) {
            if (cts[i] != null && !replies[i]) {
                action.accept(cts[i]);
            }
        }
    }

    /** The index holding {@code k}, or the empty index where it would go. */
    private int find(CtKey k) {
        return probe(k.zone(), k.proto(), k.srcHi(), k.srcLo(), k.dstHi(), k.dstLo(), k.sport(), k.dport(), k.icmpType());
    }

    /** The index where the key stored at {@code i} of {@code from} hashes to in the current table. */
    private int home(long[] from, int i) {
        int b = i * STRIDE;
        long zp = from[b + 5];
        long ports = from[b + 4];
        return CtKey.hash((int) (zp >>> 32), (int) zp, from[b], from[b + 1], from[b + 2], from[b + 3],
                (int) (ports >>> 32), (int) ports, (int) from[b + 6]) & mask;
    }

    private void write(int i, CtKey k) {
        int b = i * STRIDE;
        keys[b] = k.srcHi();
        keys[b + 1] = k.srcLo();
        keys[b + 2] = k.dstHi();
        keys[b + 3] = k.dstLo();
        keys[b + 4] = ports(k.sport(), k.dport());
        keys[b + 5] = zoneProto(k.zone(), k.proto());
        keys[b + 6] = k.icmpType();
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Connection[] oldCts = cts;
        boolean[] oldReplies = replies;
        allocate(capacity);
        for (int i = 0; i < oldCts.length; i++) {
            if (oldCts[i] != null) {
                int j = home(oldKeys, i);
                while (cts[j] != null) {
                    j = (j + 1) & mask;
                }
                System.arraycopy(oldKeys, i * STRIDE, keys, j * STRIDE, STRIDE);
                cts[j] = oldCts[i];
                replies[j] = oldReplies[i];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity * STRIDE];
        cts = new Connection[capacity];
        replies = new boolean[capacity];
        mask = capacity - 1;
    }

    private static long ports(int sport, int dport) {
        return (long) sport << 32 | (dport & 0xffffffffL);
    }

    private static long zoneProto(int zone, int proto) {
        return (long) zone << 32 | (proto & 0xffffffffL);
    }
}
