package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;

/**
 * The hash key of one direction of a ct: zone, family+protocol, addresses as raw bits, L4 ids and, for ICMP, the type
 * the direction carries (request type for ORIGINAL, reply type for REPLY), as nf_conntrack_tuple does.
 */
record CtKey(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int icmpType) {

    private static final long K = 0x9E3779B97F4A7C15L;

    /** A well-mixed hash (the default record hash clusters tuples that differ in address and port together). */
    @Override
    public int hashCode() {
        return hash(zone, proto, srcHi, srcLo, dstHi, dstLo, sport, dport, icmpType);
    }

    /** The hash {@link #hashCode} gives the key with these fields (for tables that keep the fields inline). */
    static int hash(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport,
                    int icmpType) {
        long h = zone * K + proto;
        h = h * K + srcHi;
        h = h * K + srcLo;
        h = h * K + dstHi;
        h = h * K + dstLo;
        h = h * K + ((long) sport << 32 | (dport & 0xffffffffL));
        h = h * K + icmpType;
        return (int) (mix(h) >>> 32);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CtKey k && srcLo == k.srcLo && dstLo == k.dstLo && sport == k.sport && dport == k.dport
                && proto == k.proto && zone == k.zone && srcHi == k.srcHi && dstHi == k.dstHi && icmpType == k.icmpType;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The key of a packet's tuple as {@code of(zone, p.tuple(), p.icmpType())} gives it, without making the tuple. */
    static CtKey of(int zone, io.pktpath.core.engine.Packet p) {
        IpAddress s = p.src();
        IpAddress d = p.dst();
        int familyProto = p.proto() | (s.isV4() ? 0 : 0x100);
        return new CtKey(zone, familyProto, s.hi(), s.lo(), d.hi(), d.lo(), p.tupleSourceId(), p.tupleDestinationId(),
                Tuples.isIcmp(p.proto()) ? p.icmpType() : 0);
    }

    static CtKey of(int zone, Tuple t, int icmpType) {
        IpAddress s = t.src();
        IpAddress d = t.dst();
        int familyProto = t.protocol() | (s.isV4() ? 0 : 0x100);
        return new CtKey(zone, familyProto, s.hi(), s.lo(), d.hi(), d.lo(), t.sport(), t.dport(),
                Tuples.isIcmp(t.protocol()) ? icmpType : 0);
    }
}
