package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.util.ProbeRuns;
import io.pktpath.parser.net.IpAddress;
import java.util.function.Consumer;

/**
 * An open-addressing hash from {@link CtKey} to a ct and direction whose key fields, occupancy and direction live
 * inline in one primitive array (linear probing, backward-shift deletion), eight longs (one cache line) per slot, so
 * that a packet's lookup makes no key object and touches one line of keys and then the ct itself.
 */
final class CtSlots {
    /**
     * Longs per slot: source hi/lo, destination hi/lo, ports, zone+protocol, ICMP type, and the state word ({@link #USED},
     * {@link #REPLY}); 64 bytes, a cache line.
     */
    private static final int STRIDE = 8;
    /**
     * Longs before the first slot: an array's elements start 16 bytes into it, so with 6 longs ahead the slots lie on
     * 64-byte boundaries whenever the array does (a large table's array starts a heap region).
     */
    private static final int OFFSET = 6;
    private static final int STATE = 7;
    private static final long USED = 1;
    private static final long REPLY = 2;
    private static final int MIN_CAPACITY = 64;

    private long[] keys;
    private Connection[] cts;
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
        return (keys[base(at) + STATE] & REPLY) != 0 ? CtDirection.REPLY : CtDirection.ORIGINAL;
    }

    /** The index of {@code p}'s tuple in {@code zone} (the key {@code CtKey.of(zone, p)}), or -1. */
    int indexOf(int zone, Packet p) {
        return indexFrom(homeOf(zone, p), zone, p);
    }

    /**
     * The indexes of the first {@code count} packets' tuples in {@code zone} (as {@link #indexOf}) into {@code out},
     * reading the first slot of every packet before probing any, so that those loads overlap; returns a value made from
     * what it read.
     */
    long indexesOf(int zone, Packet[] packets, int count, int[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = homeOf(zone, packets[i]);
        }
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += keys[base(out[i]) + STATE];
        }
        for (int i = 0; i < count; i++) {
            out[i] = indexFrom(out[i], zone, packets[i]);
        }
        return sum;
    }

    /** The index {@code p}'s key in {@code zone} hashes to. */
    private int homeOf(int zone, Packet p) {
        IpAddress s = p.src();
        IpAddress d = p.dst();
        int proto = p.proto();
        return CtKey.hash(zone, proto | (s.isV4() ? 0 : 0x100), s.hi(), s.lo(), d.hi(), d.lo(), p.tupleSourceId(),
                p.tupleDestinationId(), Tuples.isIcmp(proto) ? p.icmpType() : 0) & mask;
    }

    /** The index holding {@code p}'s key in {@code zone}, probing from {@code home} (its {@link #homeOf}), or -1. */
    private int indexFrom(int home, int zone, Packet p) {
        IpAddress s = p.src();
        IpAddress d = p.dst();
        int proto = p.proto();
        int i = probeFrom(home, zone, proto | (s.isV4() ? 0 : 0x100), s.hi(), s.lo(), d.hi(), d.lo(),
                p.tupleSourceId(), p.tupleDestinationId(), Tuples.isIcmp(proto) ? p.icmpType() : 0);
        return keys[base(i) + STATE] == 0 ? -1 : i;
    }

    private static int base(int i) {
        return i * STRIDE + OFFSET;
    }

    /** The index holding the key with these fields, or the empty index where it would go. */
    private int probe(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport,
                      int icmpType) {
        int home = CtKey.hash(zone, proto, srcHi, srcLo, dstHi, dstLo, sport, dport, icmpType) & mask;
        return probeFrom(home, zone, proto, srcHi, srcLo, dstHi, dstLo, sport, dport, icmpType);
    }

    /** {@link #probe} from the key's home index {@code home}. */
    private int probeFrom(int home, int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport,
                          int dport, int icmpType) {
        long ports = ports(sport, dport);
        long zp = zoneProto(zone, proto);
        int i = home;
        long[] k = keys;
        while (true) {
            int b = base(i);
            if (k[b + STATE] == 0) {
                return i;
            }
            if (k[b + 1] == srcLo && k[b + 3] == dstLo && k[b + 4] == ports && k[b] == srcHi && k[b + 2] == dstHi
                    && k[b + 5] == zp && k[b + 6] == icmpType) {
                return i;
            }
            i = (i + 1) & mask;
        }
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
        keys[base(i) + STATE] = direction == CtDirection.REPLY ? USED | REPLY : USED;
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
            if (ProbeRuns.mayFill(hole, j, home(keys, j), mask)) {
                System.arraycopy(keys, base(j), keys, base(hole), STRIDE);
                cts[hole] = cts[j];
                hole = j;
            }
        }
        cts[hole] = null;
        keys[base(hole) + STATE] = 0;
    }

    /** Every ct held for its ORIGINAL direction (so each once), in table order. */
    void forEachOriginal(Consumer<Connection> action) {
        for (int i = 0; i < cts.length; i++) {
            if (cts[i] != null && (keys[base(i) + STATE] & REPLY) == 0) {
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
        int b = base(i);
        long zp = from[b + 5];
        long ports = from[b + 4];
        return CtKey.hash((int) (zp >>> 32), (int) zp, from[b], from[b + 1], from[b + 2], from[b + 3],
                (int) (ports >>> 32), (int) ports, (int) from[b + 6]) & mask;
    }

    private void write(int i, CtKey k) {
        int b = base(i);
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
        allocate(capacity);
        for (int i = 0; i < oldCts.length; i++) {
            if (oldCts[i] != null) {
                int j = home(oldKeys, i);
                while (cts[j] != null) {
                    j = (j + 1) & mask;
                }
                System.arraycopy(oldKeys, base(i), keys, base(j), STRIDE);
                cts[j] = oldCts[i];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[OFFSET + capacity * STRIDE];
        cts = new Connection[capacity];
        mask = capacity - 1;
    }

    private static long ports(int sport, int dport) {
        return (long) sport << 32 | (dport & 0xffffffffL);
    }

    private static long zoneProto(int zone, int proto) {
        return (long) zone << 32 | (proto & 0xffffffffL);
    }
}
