package io.pktpath.core.conntrack;

import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;

/**
 * The hash key of one direction of a ct: zone, family+protocol, addresses as raw bits, L4 ids and, for ICMP, the type
 * the direction carries (request type for ORIGINAL, reply type for REPLY), as nf_conntrack_tuple does.
 */
record CtKey(int zone, int proto, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int icmpType) {

    static CtKey of(int zone, Tuple t, int icmpType) {
        IpAddress s = t.src();
        IpAddress d = t.dst();
        int familyProto = t.protocol() | (s.isV4() ? 0 : 0x100);
        return new CtKey(zone, familyProto, s.hi(), s.lo(), d.hi(), d.lo(), t.sport(), t.dport(),
                Tuples.isIcmp(t.protocol()) ? icmpType : 0);
    }
}
